extension ModelPlan {
    /// Throws unless the safetensors header of every file the plan is written to fits safetensors'
    /// `MAX_HEADER_SIZE` (`SafetensorsHeader.maximumHeaderBytes`): the one file's, or with
    /// `maxShardBytes` each shard's (packed as `writeSharded` packs them). A header over the limit would
    /// make a file that neither safetensors nor `tensorseed verify` reads, so it is refused before anything
    /// is generated. The header holds each tensor's name three times (its entry, its scheme and its digest).
    public func checkHeaderSizes(maxShardBytes: Int? = nil) throws {
        let groups = maxShardBytes.map { ShardPacking.pack(tensors.map(\.byteCount), maxBytes: $0) } ?? [Array(tensors.indices)]
        for group in groups {
            let shard = group.count == tensors.count ? self : try ModelPlan(seed: seed, tensors: group.map { tensors[$0] })
            let length = SafetensorsWriter.header(shard).jsonLength
            guard length > SafetensorsHeader.maximumHeaderBytes else { continue }
            let longest = shard.tensors.map(\.name.utf8.count).max() ?? 0
            let file = groups.count > 1 ? "a shard's" : "the file's"
            throw SpecError(location: "", message: "\(file) safetensors header would be \(length) bytes, over safetensors' limit of "
                            + "\(SafetensorsHeader.maximumHeaderBytes) bytes (\(shard.tensors.count) tensors, the longest name \(longest) bytes): "
                            + "use shorter names, fewer tensors, or --max-shard-size to spread the tensors over several files")
        }
    }
}
