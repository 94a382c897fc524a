import Foundation
import XCTest
@testable import TensorSeed

/// `tensorseed init`'s library side: spec parsing, presets, the safetensors writer and the verifier.
final class InitTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tensorseed-init-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    private func files() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() }

    private static let smallSpec = """
        {"seed": 7, "dtype": "f32",
         "tensors": [{"name": "enc.weight", "shape": [64, 32], "scheme": {"name": "kaiming_uniform", "a": 2.23606797749979}},
                     {"name": "enc.bias", "shape": [64]},
                     {"name": "enc.norm.weight", "shape": [64], "dtype": "bf16"},
                     {"name": "dec.weight", "shape": [33, 64], "dtype": "f16"},
                     {"name": "emb", "shape": [5, 7], "dtype": "f64", "scheme": {"name": "eye"}},
                     {"name": "empty", "shape": [0, 3]}],
         "rules": [{"pattern": "*.bias", "scheme": {"name": "zeros"}},
                   {"pattern": "*norm*.weight", "scheme": {"name": "ones"}},
                   {"pattern": "*", "scheme": {"name": "normal", "std": 0.02}}]}
        """

    private func plan(_ text: String = smallSpec) throws -> ModelPlan { try ModelSpec.plan(json: Data(text.utf8)) }

    private func specError(_ text: String) -> String {
        do { _ = try plan(text); return "no error" } catch { return "\(error)" }
    }

    // MARK: specs

    func testRulesApplyInOrderToTensorsWithoutScheme() throws {
        let p = try plan()
        XCTAssertEqual(p.seed, 7)
        let schemes = Dictionary(uniqueKeysWithValues: p.tensors.map { ($0.name, $0.scheme) })
        XCTAssertEqual(schemes["enc.weight"], .kaimingUniform(a: 2.23606797749979, mode: .fanIn, nonlinearity: .leakyRelu()))
        XCTAssertEqual(schemes["enc.bias"], .zeros)
        XCTAssertEqual(schemes["enc.norm.weight"], .ones)        // "*" comes later, so "*norm*.weight" wins
        XCTAssertEqual(schemes["dec.weight"], .normal(mean: 0, std: 0.02))
        XCTAssertEqual(p.tensors.map(\.dtype), [.float32, .float32, .bfloat16, .float16, .float64, .float32])
        XCTAssertTrue(NamePattern.matches("h.?.attn*", "h.3.attn.c_proj.weight"))
        XCTAssertFalse(NamePattern.matches("h.?.attn*", "h.12.attn.c_proj.weight"))
        XCTAssertTrue(NamePattern.matches("*", ""))
        XCTAssertFalse(NamePattern.matches("*.bias", "bias"))
    }

    func testSpecErrorsNameTheTensorAndField() {
        XCTAssertTrue(specError("{\"tensors\": [").contains("invalid JSON"), specError("{\"tensors\": ["))
        XCTAssertEqual(specError("{}"), "spec: field \"tensors\" is missing")
        let unknown = specError(#"{"tensors": [{"name": "a", "shape": [2, 2], "scheme": {"name": "gaussian"}}]}"#)
        XCTAssertTrue(unknown.hasPrefix("tensors[0] \"a\": field \"scheme.name\" unknown scheme 'gaussian'"), unknown)
        let negative = specError(#"{"tensors": [{"name": "x", "shape": [1]}, {"name": "b", "shape": [3, -1]}], "rules": [{"pattern": "*", "scheme": {"name": "zeros"}}]}"#)
        XCTAssertEqual(negative, "tensors[1] \"b\": field \"shape\"[1] must be an integer >= 0, got -1")
        XCTAssertEqual(specError(#"{"tensors": [{"shape": [1]}]}"#), "tensors[0]: field \"name\" is missing")
        XCTAssertEqual(specError(#"{"tensors": [{"name": "w"}]}"#), "tensors[0] \"w\": field \"shape\" is missing")
        XCTAssertEqual(specError(#"{"tensors": [{"name": "w", "shape": [2]}]}"#),
                       "tensors[0] \"w\": field \"scheme\" is missing and no rule's pattern matches the name")
        let typo = specError(#"{"tensors": [{"name": "w", "shape": [2], "scheme": {"name": "normal", "sdt": 1}}]}"#)
        XCTAssertEqual(typo, "tensors[0] \"w\": field \"scheme.sdt\" is not a parameter of normal")
        let fans = specError(#"{"tensors": [{"name": "w", "shape": [4], "scheme": {"name": "xavier_normal"}}]}"#)
        XCTAssertTrue(fans.hasPrefix("tensors[0] \"w\": field \"scheme\": xavier_normal needs a tensor with at least 2 dimensions"), fans)
        // Modes: each scheme's message lists the modes it takes, and names the scheme written (lecun_* is variance_scaling inside).
        func scheme(_ json: String, shape: String = "[4, 4]") -> String {
            specError(#"{"tensors": [{"name": "w", "shape": \#(shape), "scheme": \#(json)}]}"#)
        }
        for mode in ["fan_avg", "bogus"] {
            XCTAssertEqual(scheme(#"{"name": "kaiming_uniform", "mode": "\#(mode)"}"#),
                           "tensors[0] \"w\": field \"scheme.mode\" must be fan_in or fan_out for kaiming_uniform, got '\(mode)'")
        }
        XCTAssertEqual(scheme(#"{"name": "variance_scaling", "scale": 1, "mode": "bogus"}"#),
                       "tensors[0] \"w\": field \"scheme.mode\" must be fan_in, fan_out or fan_avg for variance_scaling, got 'bogus'")
        XCTAssertTrue(scheme(#"{"name": "lecun_normal"}"#, shape: "[4]").hasPrefix("tensors[0] \"w\": field \"scheme\": lecun_normal needs a tensor with at least 2"))
        XCTAssertTrue(specError(#"{"tensors": [{"name": "w", "shape": [2], "scheme": {"name": "trunc_normal", "a": 1, "b": -1}}]}"#).contains("below b"))
        XCTAssertTrue(specError(#"{"tensors": [{"name": "w", "shape": [2], "dtype": "int8", "scheme": {"name": "ones"}}]}"#).contains("field \"dtype\""))
        XCTAssertTrue(specError(#"{"tensors": [{"name": "w", "shape": [2], "scheme": {"name": "ones"}}, {"name": "w", "shape": [2], "scheme": {"name": "ones"}}]}"#).contains("duplicate"))
        XCTAssertTrue(specError(#"{"tensors": [], "rules": [{"pattern": "*", "scheme": {"name": "normal", "std": "x"}}]}"#).hasPrefix("rules[0] \"*\": field \"scheme.std\" must be a number"))
        XCTAssertTrue(specError("[1, 2]").contains("must be a JSON object"))
    }

    func testMalformedSpecsNeverCrash() {
        // Mutations of a valid spec: every one either plans or throws a SpecError.
        let base = Array(InitTests.smallSpec.utf8)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let i = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[i] = UInt8.random(in: 0x20...0x7e, using: &generator)
                case 1: bytes.remove(at: i)
                default: bytes.insert(Array("-9[]{}\":,0e".utf8).randomElement(using: &generator)!, at: i)
                }
            }
            do { _ = try ModelSpec.plan(json: Data(bytes)) } catch is SpecError {} catch {
                XCTFail("not a SpecError: \(error) for \(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }

    func testSchemeJSONRoundTrips() throws {
        let schemes: [InitScheme] = [.uniform(low: -0.5, high: 2), .normal(mean: 1, std: 0.02), .constant(0.25), .zeros, .ones, .eye,
                                     .dirac(groups: 2), .xavierUniform(gain: 1.5), .xavierNormal(gain: 1),
                                     .kaimingUniform(a: 5.0.squareRoot(), mode: .fanIn, nonlinearity: .leakyRelu()),
                                     .kaimingNormal(a: 0, mode: .fanOut, nonlinearity: .relu), .lecunUniform, .lecunNormal,
                                     .truncatedNormal(mean: 0.5, std: 0.02, a: 0.46, b: 0.7), .sparse(sparsity: 0.3, std: 0.01), .orthogonal(gain: 2), .embedding(paddingIndex: 1),
                                     .varianceScaling(scale: 1, mode: .fanIn, distribution: .truncatedNormal),
                                     .varianceScaling(scale: 2, mode: .fanAvg, distribution: .uniform, inAxis: [0], outAxis: [1, 2], batchAxis: [])]
        for scheme in schemes {
            let text = SchemeJSON.value(of: scheme).rendered
            XCTAssertEqual(try SchemeJSON.scheme(from: JSONValue.parse(Data(text.utf8))), scheme, text)
            let recipe = try scheme.recipe(shape: scheme == .eye || scheme.name == "sparse" || scheme.name == "embedding" ? [4, 2] : [4, 2, 3])
            XCTAssertEqual(try SchemeJSON.recipe(from: JSONValue.parse(Data(SchemeJSON.value(of: recipe).rendered.utf8))), recipe)
        }
    }

    // MARK: presets

    func testPresets() throws {
        let mlp = try ModelPreset.mlpMNIST.plan(seed: 0)
        XCTAssertEqual(mlp.tensors.map(\.name), ["0.weight", "0.bias", "2.weight", "2.bias"])
        XCTAssertEqual(mlp.tensors.map(\.shape), [[256, 784], [256], [10, 256], [10]])
        XCTAssertEqual(mlp.tensors[1].recipe, .random(.uniform(low: -Float(1 / 784.0.squareRoot()), high: Float(1 / 784.0.squareRoot()))))
        XCTAssertEqual(mlp.tensors[0].recipe, mlp.tensors[1].recipe)   // kaiming_uniform(a=√5) is U(±1/√fan_in)

        let gpt2 = try ModelPreset.gpt2Small.plan(seed: 0)
        XCTAssertEqual(gpt2.tensors.count, 2 + 12 * 12 + 2)
        XCTAssertEqual(gpt2.parameterCount, 124_439_808)
        let byName = Dictionary(uniqueKeysWithValues: gpt2.tensors.map { ($0.name, $0) })
        XCTAssertEqual(byName["transformer.h.11.attn.c_attn.weight"]?.shape, [768, 2304])
        XCTAssertEqual(byName["transformer.h.0.mlp.c_proj.weight"]?.shape, [3072, 768])
        XCTAssertEqual(byName["transformer.h.0.mlp.c_proj.weight"]?.scheme, .normal(mean: 0, std: 0.02 / 24.0.squareRoot()))
        XCTAssertEqual(byName["transformer.h.3.attn.c_proj.weight"]?.scheme, .normal(mean: 0, std: 0.02 / 24.0.squareRoot()))
        XCTAssertEqual(byName["transformer.ln_f.weight"]?.scheme, .ones)
        XCTAssertEqual(byName["transformer.h.5.mlp.c_fc.bias"]?.scheme, .zeros)
        XCTAssertNil(byName["lm_head.weight"])

        let llama = try ModelPreset.llama7B.plan(seed: 0)
        XCTAssertEqual(llama.tensors.count, 1 + 32 * 9 + 2)
        XCTAssertEqual(llama.parameterCount, 6_738_415_616)
        XCTAssertEqual(llama.byteCount, 2 * 6_738_415_616)
        XCTAssertTrue(llama.tensors.allSatisfy { $0.dtype == .bfloat16 })
        XCTAssertEqual(llama.tensors.first { $0.name == "model.layers.31.mlp.down_proj.weight" }?.shape, [4096, 11008])
    }

    // MARK: safetensors

    func testHeaderFormat() throws {
        let p = try plan()
        let out = path("small.safetensors")
        let summary = try SafetensorsWriter(engine: .cpu, chunkBytes: 1000).write(p, to: out)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out)))
        XCTAssertEqual(summary.fileBytes, bytes.count)
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(n % 8, 0)
        XCTAssertEqual(bytes[8], UInt8(ascii: "{"))
        let json = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as! [String: Any]
        XCTAssertEqual(Set(json.keys), Set(p.tensors.map(\.name) + ["__metadata__"]))
        var ranges: [(Int, Int, Int)] = []   // begin, end, element size
        for job in p.tensors {
            let entry = json[job.name] as! [String: Any]
            XCTAssertEqual(entry["dtype"] as? String, job.dtype.rawValue)
            XCTAssertEqual(entry["shape"] as? [Int], job.shape)
            let offsets = entry["data_offsets"] as! [Int]
            XCTAssertEqual(offsets[1] - offsets[0], job.byteCount)
            XCTAssertEqual(offsets[0] % job.dtype.byteSize, 0, "\(job.name) is aligned to its element size")
            ranges.append((offsets[0], offsets[1], job.dtype.byteSize))
        }
        ranges.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        XCTAssertEqual(ranges.first?.0, 0)
        for (a, b) in zip(ranges, ranges.dropFirst()) { XCTAssertEqual(a.1, b.0, "contiguous") }
        XCTAssertEqual(8 + n + ranges.last!.1, bytes.count)
        let metadata = json["__metadata__"] as! [String: String]
        XCTAssertEqual(metadata["tensorseed.spec_version"], "1")
        XCTAssertEqual(metadata["tensorseed.seed"], "7")
        XCTAssertTrue(metadata["tensorseed.digest.enc.weight"]!.hasPrefix("fnv1a64w:"))
        XCTAssertNotNil(metadata["tensorseed.scheme.dec.weight"]!.range(of: "\"std_bits\":\"3ca3d70a\""))

        // The data equal TensorGenerator's own fill of each tensor.
        let generator = TensorGenerator(seed: 7)
        for job in p.tensors {
            let offsets = (json[job.name] as! [String: Any])["data_offsets"] as! [Int]
            var expected = [UInt8]()
            try generator.fill(&expected, tensor: job.name, shape: job.shape, scheme: job.scheme, dtype: job.dtype, on: .cpu)
            XCTAssertEqual(Array(bytes[(8 + n + offsets[0])..<(8 + n + offsets[1])]), expected, job.name)
        }
        XCTAssertEqual(try files(), ["small.safetensors"], "no temporary file left")
    }

    func testDigestIsIndependentOfSplitting() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        var whole = TensorDigest()
        bytes.withUnsafeBytes { whole.update($0) }
        for split in [[1], [3, 7, 11], [8, 8, 8], [500], [999]] {
            var d = TensorDigest(), at = 0
            for cut in split + [bytes.count] where cut > at {
                bytes[at..<min(cut + at, bytes.count)].withUnsafeBytes { d.update($0) }
                at = min(cut + at, bytes.count)
            }
            if at < bytes.count { bytes[at...].withUnsafeBytes { d.update($0) } }
            XCTAssertEqual(d, whole, "\(split)")
        }
        var other = TensorDigest()
        (bytes + [0]).withUnsafeBytes { other.update($0) }
        XCTAssertNotEqual(other.value, whole.value, "a trailing zero byte changes the digest")
    }

    /// The digest against its definition (SPEC.md section 10) written plainly: FNV-1a-64 over little-endian words, the
    /// last zero-padded, then the byte length; at every length around the word size and at unaligned starts.
    func testDigestMatchesItsDefinition() {
        func definition(_ bytes: ArraySlice<UInt8>) -> UInt64 {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325, word: UInt64 = 0, filled = 0
            for byte in bytes {
                word |= UInt64(byte) << (8 * UInt64(filled))
                filled += 1
                if filled == 8 { hash = (hash ^ word) &* 0x0000_0100_0000_01B3; word = 0; filled = 0 }
            }
            if filled > 0 { hash = (hash ^ word) &* 0x0000_0100_0000_01B3 }
            return (hash ^ UInt64(bytes.count)) &* 0x0000_0100_0000_01B3
        }
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ 7) }
        for start in 0..<9 {
            for length in Array(0...40) + [255, 291 - start] {
                var digest = TensorDigest()
                bytes[start..<(start + length)].withUnsafeBytes { digest.update($0) }
                XCTAssertEqual(digest.value, definition(bytes[start..<(start + length)]), "start \(start), length \(length)")
            }
        }
    }

    func testExistingFileIsKeptWithoutForce() throws {
        let out = path("model.safetensors")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: out))
        XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu).write(try plan(), to: out)) {
            XCTAssertEqual($0 as? WriterError, .exists(path: out))
        }
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "keep me")
        XCTAssertNoThrow(try SafetensorsWriter(engine: .cpu, force: true).write(try plan(), to: out))
        XCTAssertEqual(try files(), ["model.safetensors"])
        XCTAssertEqual(try SafetensorsHeader.read(path: out).entries.count, 6)
    }

    func testTemporaryFileRemovedOnError() throws {
        // Failures before the temporary file exists (no folder, no such device, a directory at the path, which
        // is refused up front even with force) all leave the folder as it was.
        let missingFolder = path("no/such/folder/model.safetensors")
        XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu).write(try plan(), to: missingFolder)) {
            XCTAssertTrue("\($0)".contains("cannot create"), "\($0)")
        }
        XCTAssertThrowsError(try SafetensorsWriter(engine: .opencl(platform: 99, device: 0)).write(try plan(), to: path("m.safetensors")))
        let directory = path("taken.safetensors")
        try FileManager.default.createDirectory(atPath: directory + "/inside", withIntermediateDirectories: true)
        XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu, force: true).write(try plan(), to: directory)) {
            XCTAssertEqual($0 as? WriterError, .isDirectory(path: directory))
        }
        XCTAssertEqual(try files(), ["taken.safetensors"], "only the directory that was already there")
    }

    // MARK: verify

    func testRoundTripAndFlippedByte() throws {
        let out = path("rt.safetensors")
        try SafetensorsWriter(engine: .cpu, chunkBytes: 4096).write(try plan(), to: out)
        let checks = try SafetensorsVerifier(engine: .cpu, chunkBytes: 1024).verify(path: out)
        XCTAssertEqual(checks.count, 6)
        XCTAssertTrue(checks.allSatisfy { $0.outcome == .ok }, "\(checks.map(\.line))")

        // Flip one bit of element 100 of dec.weight (f16).
        let header = try SafetensorsHeader.read(path: out)
        let entry = header.entries.first { $0.name == "dec.weight" }!
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: out))
        let at = UInt64(header.dataStart + entry.begin + 100 * 2 + 1)
        try handle.seek(toOffset: at)
        var byte = try handle.read(upToCount: 1)!
        byte[0] ^= 0x10
        try handle.seek(toOffset: at)
        try handle.write(contentsOf: byte)
        try handle.close()
        let after = try SafetensorsVerifier(engine: .cpu, chunkBytes: 64).verify(path: out)
        XCTAssertEqual(after.first { $0.name == "dec.weight" }?.outcome, .mismatch(index: 100))
        XCTAssertEqual(after.filter { $0.outcome == .ok }.count, 5)
    }

    func testVerifyRejectsFilesWithoutMetadata() throws {
        let out = path("plain.safetensors")
        let header = SafetensorsHeader(entries: [SafetensorsEntry(name: "w", dtype: "F32", shape: [2], begin: 0, end: 8)], metadata: [:])
        try Data(header.fileBytes() + [UInt8](repeating: 0, count: 8)).write(to: URL(fileURLWithPath: out))
        XCTAssertThrowsError(try SafetensorsVerifier().verify(path: out)) { XCTAssertEqual($0 as? VerifyError, .notTensorSeed(path: out)) }
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: out))
        XCTAssertThrowsError(try SafetensorsVerifier().verify(path: out)) { XCTAssertTrue("\($0)".contains("shorter than")) }
    }

    // MARK: sharded sets

    func testByteSizesAndShardPacking() {
        XCTAssertEqual(ByteSize.parse("5GB"), 5_000_000_000)
        XCTAssertEqual(ByteSize.parse("500MB"), 500_000_000)
        XCTAssertEqual(ByteSize.parse("2GiB"), 2 << 30)
        XCTAssertEqual(ByteSize.parse("1.5kb"), 1500)
        XCTAssertEqual(ByteSize.parse("4096"), 4096)
        XCTAssertNil(ByteSize.parse("0"))
        XCTAssertNil(ByteSize.parse("-5MB"))
        XCTAssertNil(ByteSize.parse("five"))
        // Greedy in order; a tensor over the limit gets a shard of its own; exactly the limit fits.
        XCTAssertEqual(ShardPacking.pack([40, 50, 20, 150, 10, 90, 1], maxBytes: 100), [[0, 1], [2], [3], [4, 5], [6]])
        XCTAssertEqual(ShardPacking.pack([100, 100], maxBytes: 100), [[0], [1]])
        XCTAssertEqual(ShardPacking.pack([], maxBytes: 100), [[]])
        let names = ShardNames(output: "some/dir/model.safetensors")!
        XCTAssertEqual(names.folder, "some/dir")
        XCTAssertEqual(names.shard(2, of: 13), "model-00002-of-00013.safetensors")
        XCTAssertEqual(names.path(names.index), "some/dir/model.safetensors.index.json")
        XCTAssertEqual(ShardNames(output: "x/pytorch.safetensors.index.json")?.base, "pytorch.safetensors")
        XCTAssertEqual(ShardNames(output: folder.path)?.path("model.safetensors"), folder.path + "/model.safetensors")
        XCTAssertEqual(ShardNames(output: "w.safetensors")?.path("w.safetensors"), "w.safetensors")
        XCTAssertNil(ShardNames(output: "model.bin"))
    }

    func testShardedSetSizesNamesIndexAndVerify() throws {
        let p = try plan()   // enc.weight 8192 B, enc.bias 256, enc.norm.weight 128, dec.weight 4224, emb 280, empty 0
        XCTAssertEqual(p.tensors.map(\.byteCount), [8192, 256, 128, 4224, 280, 0])
        let summary = try SafetensorsWriter(engine: .cpu, chunkBytes: 1024)
            .writeSharded(p, names: ShardNames(output: path("model.safetensors"))!, maxShardBytes: 4600)
        let shardNames = ["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"]
        XCTAssertEqual(try files(), shardNames + ["model.safetensors.index.json"], "no temporary file left")
        XCTAssertEqual(summary.files, (shardNames + ["model.safetensors.index.json"]).map(path))
        let expected = [["enc.weight"], ["enc.bias", "enc.norm.weight"], ["dec.weight", "emb", "empty"]]
        var total = 0
        for (name, tensors) in zip(shardNames, expected) {
            let header = try SafetensorsHeader.read(path: path(name))
            XCTAssertEqual(Set(header.entries.map(\.name)), Set(tensors), name)
            XCTAssertEqual(Set(header.metadata.keys.map(\.text).filter { $0.hasPrefix(TensorSeedMetadata.digestPrefix) }),
                           Set(tensors.map { TensorSeedMetadata.digestPrefix + $0 }), "\(name) has the metadata of its own tensors")
            total += header.dataSize
            let checks = try SafetensorsVerifier(engine: .cpu).verify(path: path(name))
            XCTAssertEqual(checks.map(\.outcome), Array(repeating: .ok, count: tensors.count), "\(name) verifies alone")
        }
        XCTAssertEqual(total, p.byteCount)
        XCTAssertEqual(summary.fileBytes, try files().reduce(0) { $0 + (try FileManager.default.attributesOfItem(atPath: path($1))[.size] as! Int) })

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("model.safetensors.index.json")))) as! [String: Any]
        XCTAssertEqual(Set(json.keys), ["metadata", "weight_map"])
        let metadata = json["metadata"] as! [String: Any]
        XCTAssertEqual(metadata["total_size"] as? Int, p.byteCount)
        XCTAssertEqual(metadata["tensorseed.seed"] as? String, "7")
        let weightMap = json["weight_map"] as! [String: String]
        XCTAssertEqual(weightMap.count, 6)
        for (name, tensors) in zip(shardNames, expected) { for t in tensors { XCTAssertEqual(weightMap[t], name, t) } }
        XCTAssertEqual(try ShardIndex.check(path: path("model.safetensors.index.json")), shardNames.map(path))

        // The data equal a single-file write's, tensor by tensor.
        _ = try SafetensorsWriter(engine: .cpu).write(p, to: path("single.safetensors"))
        let single = try SafetensorsHeader.read(path: path("single.safetensors"))
        let singleBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path("single.safetensors"))))
        for job in p.tensors {
            let shard = path(weightMap[job.name]!)
            let header = try SafetensorsHeader.read(path: shard)
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: shard)))
            let a = header.entries.first { $0.name == job.name }!, b = single.entries.first { $0.name == job.name }!
            XCTAssertEqual(bytes[(header.dataStart + a.begin)..<(header.dataStart + a.end)], singleBytes[(single.dataStart + b.begin)..<(single.dataStart + b.end)], job.name)
        }

        // A damaged index is caught against the headers.
        var index = try ShardIndex.parse(Data(contentsOf: URL(fileURLWithPath: path("model.safetensors.index.json"))))
        index.totalSize += 1
        try Data(index.rendered().utf8).write(to: URL(fileURLWithPath: path("model.safetensors.index.json")))
        XCTAssertThrowsError(try ShardIndex.check(path: path("model.safetensors.index.json"))) { XCTAssertTrue("\($0)".contains("total_size"), "\($0)") }
    }

    func testOneShardIsAPlainFileAsTransformersWrites() throws {
        let summary = try SafetensorsWriter(engine: .cpu).writeSharded(try plan(), names: ShardNames(output: path("m.safetensors"))!, maxShardBytes: 1 << 20)
        XCTAssertEqual(summary.files, [path("m.safetensors")])
        XCTAssertEqual(try files(), ["m.safetensors"])
    }

    func testShardedSetIsAllOrNothing() throws {
        let names = ShardNames(output: path("model.safetensors"))!
        // A pre-existing shard without --force: nothing written, the file kept.
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: path("model-00002-of-00003.safetensors")))
        XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu).writeSharded(try plan(), names: names, maxShardBytes: 4600)) {
            XCTAssertEqual($0 as? WriterError, .exists(path: path("model-00002-of-00003.safetensors")))
        }
        XCTAssertEqual(try files(), ["model-00002-of-00003.safetensors"])
        XCTAssertEqual(try String(contentsOfFile: path("model-00002-of-00003.safetensors"), encoding: .utf8), "keep me")
        try FileManager.default.removeItem(atPath: path("model-00002-of-00003.safetensors"))

        // The index cannot be moved into place because another process created it while the shards were
        // written (here: during the write, from the progress callback): the moved shards are removed again,
        // and the temporary files; the other process's file is kept.
        let index = path("model.safetensors.index.json")
        XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu).writeSharded(try plan(), names: names, maxShardBytes: 4600) { _, _ in
            if access(index, F_OK) != 0 { _ = FileManager.default.createFile(atPath: index, contents: Data("theirs".utf8)) }
        }) {
            XCTAssertEqual($0 as? WriterError, .createdMeanwhile(path: index))
        }
        XCTAssertEqual(try files(), ["model.safetensors.index.json"])
        XCTAssertEqual(try String(contentsOfFile: index, encoding: .utf8), "theirs")

        // A directory at the index's path is refused before anything is written, even with force.
        try FileManager.default.removeItem(atPath: index)
        try FileManager.default.createDirectory(atPath: index + "/inside", withIntermediateDirectories: true)
        XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu, force: true).writeSharded(try plan(), names: names, maxShardBytes: 4600)) {
            XCTAssertEqual($0 as? WriterError, .isDirectory(path: index))
        }
        XCTAssertEqual(try files(), ["model.safetensors.index.json"])

        // An engine that cannot be made: nothing at all.
        try FileManager.default.removeItem(atPath: path("model.safetensors.index.json"))
        XCTAssertThrowsError(try SafetensorsWriter(engine: .opencl(platform: 99, device: 0)).writeSharded(try plan(), names: names, maxShardBytes: 4600))
        XCTAssertEqual(try files(), [])
    }

    // MARK: npy

    func testNpyHeaderBytes() throws {
        // As numpy.save writes it: 21 - 4 spare spaces for the first axis, then 40 to reach 128 bytes.
        let header = NpyFormat.header(descr: "<f4", shape: [1000])
        let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1000,), }"
        XCTAssertEqual(header.count, 128)
        XCTAssertEqual(Array(header[0..<10]), [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 118, 0])
        XCTAssertEqual(String(decoding: header[10...], as: UTF8.self), dict + String(repeating: " ", count: 17 + 40) + "\n")
        for shape in [[], [3], [3, 4], [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]] {
            let bytes = NpyFormat.header(descr: "<f2", shape: shape)
            XCTAssertEqual(bytes.count % 64, 0, "\(shape)")
            XCTAssertEqual(bytes.last, 0x0A)
            XCTAssertEqual(NpyFormat.parse(bytes), NpyFormat.Header(descr: "<f2", fortranOrder: false, shape: shape, dataStart: bytes.count))
        }
        XCTAssertEqual(String(decoding: NpyFormat.header(descr: "<f8", shape: [3, 4])[10...], as: UTF8.self).prefix(57),
                       "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4),")
        XCTAssertEqual(NpyFormat.header(descr: "<f4", shape: [])[10...].starts(with: Array("{'descr': '<f4', 'fortran_order': False, 'shape': (), }".utf8)), true)
    }

    func testNpyOfOneTensorAndRejections() throws {
        for (dtype, descr) in [("f32", "<f4"), ("f16", "<f2"), ("f64", "<f8")] {
            let p = try plan(#"{"seed": 3, "tensors": [{"name": "w", "shape": [5, 7], "dtype": "\#(dtype)", "scheme": {"name": "normal", "std": 0.5}}]}"#)
            let out = path("w-\(dtype).npy")
            let summary = try SafetensorsWriter(engine: .cpu, chunkBytes: 64).writeNpy(p, to: out)
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out)))
            XCTAssertEqual(summary.fileBytes, bytes.count)
            let header = try XCTUnwrap(NpyFormat.parse(bytes))
            XCTAssertEqual(header, NpyFormat.Header(descr: descr, fortranOrder: false, shape: [5, 7], dataStart: 128))
            var expected = [UInt8]()
            try TensorGenerator(seed: 3).fill(&expected, tensor: "w", shape: [5, 7], scheme: .normal(mean: 0, std: 0.5), dtype: p.tensors[0].dtype, on: .cpu)
            XCTAssertEqual(Array(bytes[128...]), expected, dtype)
        }
        let bf16 = try plan(#"{"tensors": [{"name": "w", "shape": [4], "dtype": "bf16", "scheme": {"name": "ones"}}]}"#)
        XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu).writeNpy(bf16, to: path("b.npy"))) {
            XCTAssertTrue("\($0)".contains("bfloat16") && "\($0)".contains("safetensors"), "\($0)")
        }
        XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu).writeNpy(try plan(), to: path("many.npy"))) {
            XCTAssertTrue("\($0)".contains("one tensor"), "\($0)")
        }
        let one = try plan(#"{"tensors": [{"name": "w", "shape": [4], "scheme": {"name": "ones"}}]}"#)
        XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu).writeNpy(one, to: path("w-f32.npy"))) {
            XCTAssertEqual($0 as? WriterError, .exists(path: path("w-f32.npy")))
        }
        XCTAssertEqual(try files(), ["w-f16.npy", "w-f32.npy", "w-f64.npy"])
    }
}
