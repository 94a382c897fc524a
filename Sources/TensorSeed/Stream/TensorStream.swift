/// The stream of one tensor: every element is a pure function of (seed, stream id, index)
/// (SPEC.md, "Elements").
///
/// Element i uses Philox block b = i / 4 with counter (b mod 2^32, b / 2^32, stream mod 2^32,
/// stream / 2^32) and key (seed mod 2^32, seed / 2^32), and word j = i mod 4 of that block.
/// For speed, blocks are made eight at a time: group g holds blocks 8g ..< 8g + 8, that is,
/// elements 32g ..< 32g + 32; the grouping never changes a value.
public struct TensorStream: Sendable, Hashable {
    /// Elements per group of eight Philox blocks.
    public static let groupSize = 32

    /// The user's 64-bit seed, which becomes the Philox key.
    public let seed: UInt64
    /// The tensor's stream id (`StreamID.of(name)`), which fills counter words 2 and 3.
    public let streamID: UInt64

    /// The stream of a tensor given its stream id.
    public init(seed: UInt64, streamID: UInt64) {
        self.seed = seed
        self.streamID = streamID
    }

    /// The stream of the tensor called `name`.
    public init(seed: UInt64, name: String) {
        self.init(seed: seed, streamID: StreamID.of(name))
    }

    /// The Philox output words of the eight blocks of group `group`, lane l being block 8·group + l.
    @inlinable @inline(__always)
    public func words(group: UInt64) -> Philox4x32.Block {
        let x = wideWords(group: group)
        return (WordLanes(narrowing: x.0), WordLanes(narrowing: x.1), WordLanes(narrowing: x.2), WordLanes(narrowing: x.3))
    }

    /// `words(group:)` in the engine's working form: each word in the low half of a 64-bit lane.
    @inlinable @inline(__always)
    func wideWords(group: UInt64) -> Philox4x32.WideBlock {
        let firstBlock = group &* 8
        // Only the low 32 bits of each lane are used (firstBlock is a multiple of 8: no carry into word 1).
        let counter: Philox4x32.WideBlock = (
            WideLanes(repeating: firstBlock) &+ WideLanes(0, 1, 2, 3, 4, 5, 6, 7),
            WideLanes(repeating: firstBlock >> 32),
            WideLanes(repeating: streamID),
            WideLanes(repeating: streamID >> 32))
        return Philox4x32.generate(counter, key: (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
    }

    /// The 32 float32 values of group `group` in `distribution`, four per lane (word j of lane l is element 4l + j).
    @inlinable @inline(__always)
    public func values(group: UInt64, _ distribution: Distribution) -> (FloatLanes, FloatLanes, FloatLanes, FloatLanes) {
        let w = words(group: group)
        switch distribution {
        case let .uniform(low, high):
            let width = high - low
            return (StreamTransforms.uniformClosedOpen(w.0) * width + low,
                    StreamTransforms.uniformClosedOpen(w.1) * width + low,
                    StreamTransforms.uniformClosedOpen(w.2) * width + low,
                    StreamTransforms.uniformClosedOpen(w.3) * width + low)
        case let .normal(mean, std):
            let r01 = StreamTransforms.boxMullerRadius(w.0)
            let a01 = StreamTransforms.boxMullerAngle(w.1)
            let r23 = StreamTransforms.boxMullerRadius(w.2)
            let a23 = StreamTransforms.boxMullerAngle(w.3)
            return ((r01 * a01.cos) * std + mean,
                    (r01 * a01.sin) * std + mean,
                    (r23 * a23.cos) * std + mean,
                    (r23 * a23.sin) * std + mean)
        case let .truncatedNormal(mean, std, low, high):
            let p = TruncatedNormalParameters(mean: mean, std: std, low: low, high: high)
            func value(_ word: WordLanes) -> FloatLanes {
                StreamTransforms.clampBetween(
                    StreamTransforms.truncatedStandardNormal(word, erfLow: p.erfLow, erfWidth: p.erfWidth) * std + mean,
                    low: low, high: high)
            }
            return (value(w.0), value(w.1), value(w.2), value(w.3))
        }
    }

    /// Writes the 32 values of group `group` to `out[0 ..< 32]` in element order.
    ///
    /// The same values, by the same operations, as `values(group:_:)`, arranged for the CPU: the
    /// Philox words of two words of each block are put side by side in the 32-bit halves of one
    /// 64-bit lane (words 0, 1 and 2, 3 for a uniform, which then are in element order; the radius
    /// words 0, 2 and the angle words 1, 3 for a normal, whose products then interleave into element
    /// order), so that no lane has to be moved across the vector before the transforms.
    @inlinable @inline(__always)
    public func store(group: UInt64, _ distribution: Distribution, to out: UnsafeMutablePointer<Float>) {
        #if _endian(little)
        let w = wideWords(group: group)
        switch distribution {
        case let .uniform(low, high):
            let width = high - low
            // Halves of (w0[0], w1[0], w0[1], w1[1], ...) and (w2[0], w3[0], ...): blocks 0-3, then 4-7.
            let (words01Low, words01High) = WideLanes(interleavingLow: w.0, high: w.1).words
            let (words23Low, words23High) = WideLanes(interleavingLow: w.2, high: w.3).words
            TensorStream.storeInterleavingPairs(
                StreamTransforms.uniformClosedOpen(words01Low) * width + low,
                StreamTransforms.uniformClosedOpen(words23Low) * width + low,
                StreamTransforms.uniformClosedOpen(words01High) * width + low,
                StreamTransforms.uniformClosedOpen(words23High) * width + low, to: out)
        case let .normal(mean, std):
            let (radiusWords, angleWords) = TensorStream.normalWords(w)
            let r = StreamTransforms.boxMullerRadius(radiusWords)
            let a = StreamTransforms.boxMullerAngle(angleWords)
            TensorStream.storeInterleavingGroup((r * a.cos) * std + mean, (r * a.sin) * std + mean, to: out)
        case let .truncatedNormal(mean, std, low, high):
            storeTruncatedNormalComputingParameters(group: group, mean: mean, std: std, low: low, high: high, to: out)
        }
        #else
        let v = values(group: group, distribution)
        for lane in 0..<8 {
            UnsafeMutableRawPointer(out + 4 * lane).storeBytes(of: SIMD4<Float>(v.0[lane], v.1[lane], v.2[lane], v.3[lane]), as: SIMD4<Float>.self)
        }
        #endif
    }

    /// `store` for a truncated normal whose host-side parameters are already computed (once per fill).
    @inlinable @inline(__always)
    public func storeTruncatedNormal(group: UInt64, mean: Float, std: Float, low: Float, high: Float,
                                     _ p: TruncatedNormalParameters, to out: UnsafeMutablePointer<Float>) {
        #if _endian(little)
        let w = wideWords(group: group)
        // Words 0, 1 of blocks 0-7 (as `store` pairs them for a uniform), then words 2, 3: two batches of sixteen
        // lanes taken through the steps of `truncatedStandardNormal` (its pieces, in the same order) side by side,
        // so that the polynomial chains of eight registers overlap, with one test of erfinv's branches for both
        // (measured on one Zen 4 core: 0.96 GB/s one batch after the other, each with its own test; 1.05 GB/s so).
        let y01 = StreamTransforms.truncatedErfArgument(unsafeBitCast(WideLanes(interleavingLow: w.0, high: w.1), to: WordLanes16.self),
                                                        erfLow: p.erfLow, erfWidth: p.erfWidth)
        let y23 = StreamTransforms.truncatedErfArgument(unsafeBitCast(WideLanes(interleavingLow: w.2, high: w.3), to: WordLanes16.self),
                                                        erfLow: p.erfLow, erfWidth: p.erfWidth)
        let w01 = DeterministicMath.erfinvLogTerm(y01), w23 = DeterministicMath.erfinvLogTerm(y23)
        let central01 = DeterministicMath.erfinvCentralLanes(w01), central23 = DeterministicMath.erfinvCentralLanes(w23)
        let evaluateCentral = (central01 | central23).anyBitSet, evaluateTail = (~(central01 & central23)).anyBitSet
        func value(_ w: FloatLanes16, _ central: WordLanes16, _ y: FloatLanes16) -> FloatLanes16 {
            let erfinv = DeterministicMath.erfinvPolynomial(w, central: central, evaluateCentral: evaluateCentral, evaluateTail: evaluateTail) * y
            return StreamTransforms.clampBetween((erfinv * StreamTransforms.sqrt2) * std + mean, low: low, high: high)
        }
        let values01 = value(w01, central01, y01)
        let values23 = value(w23, central23, y23)
        TensorStream.storeInterleavingPairs(values01.lowHalf, values23.lowHalf, values01.highHalf, values23.highHalf, to: out)
        #else
        store(group: group, .truncatedNormal(mean: mean, std: std, low: low, high: high), to: out)
        #endif
    }

    /// `storeTruncatedNormal` with the host-side parameters computed for this one group.
    ///
    /// Not inlined on purpose: the CPU engine calls `storeTruncatedNormal` itself (parameters once per fill),
    /// and inlined here, the truncated normal's size made the optimizer stop inlining `store` into the
    /// uniform and normal group loops (an out-of-line call per group: normal 1.21 -> 1.15 GB/s on one core).
    @usableFromInline @inline(never)
    func storeTruncatedNormalComputingParameters(group: UInt64, mean: Float, std: Float, low: Float, high: Float,
                                                 to out: UnsafeMutablePointer<Float>) {
        storeTruncatedNormal(group: group, mean: mean, std: std, low: low, high: high,
                             TruncatedNormalParameters(mean: mean, std: std, low: low, high: high), to: out)
    }

    /// Words 0 and 2 of each block side by side (the radius words: w0, w2 of block 0, then of block 1,
    /// ...) and words 1 and 3 (the angle words), in that order for `storeInterleavingGroup`.
    ///
    /// Not inlined on purpose: inlined, LLVM pushed the transforms' integer steps back through this
    /// interleaving, into two-lane fragments on both sources (objdump); this way they run on whole registers.
    @usableFromInline @inline(never)
    static func normalWords(_ w: Philox4x32.WideBlock) -> (radius: WordLanes16, angle: WordLanes16) {
        (unsafeBitCast(WideLanes(interleavingLow: w.0, high: w.2), to: WordLanes16.self),
         unsafeBitCast(WideLanes(interleavingLow: w.1, high: w.3), to: WordLanes16.self))
    }

    /// Writes `out[0 ..< 32]` from the words of `x` (r·cos) and `y` (r·sin): x's word k, then y's word k, ...
    ///
    /// With the radius and angle words as `normalWords` lays them out, lanes 2b, 2b + 1 of `x` are
    /// elements 4b, 4b + 2 and those of `y` elements 4b + 1, 4b + 3. Not inlined: see below.
    @usableFromInline @inline(never)
    static func storeInterleavingGroup(_ x: FloatLanes16, _ y: FloatLanes16, to out: UnsafeMutablePointer<Float>) {
        let raw = UnsafeMutableRawPointer(out)
        raw.storeBytes(of: SIMD4<Float>(x[0], y[0], x[1], y[1]), toByteOffset: 0, as: SIMD4<Float>.self)
        raw.storeBytes(of: SIMD4<Float>(x[2], y[2], x[3], y[3]), toByteOffset: 16, as: SIMD4<Float>.self)
        raw.storeBytes(of: SIMD4<Float>(x[4], y[4], x[5], y[5]), toByteOffset: 32, as: SIMD4<Float>.self)
        raw.storeBytes(of: SIMD4<Float>(x[6], y[6], x[7], y[7]), toByteOffset: 48, as: SIMD4<Float>.self)
        raw.storeBytes(of: SIMD4<Float>(x[8], y[8], x[9], y[9]), toByteOffset: 64, as: SIMD4<Float>.self)
        raw.storeBytes(of: SIMD4<Float>(x[10], y[10], x[11], y[11]), toByteOffset: 80, as: SIMD4<Float>.self)
        raw.storeBytes(of: SIMD4<Float>(x[12], y[12], x[13], y[13]), toByteOffset: 96, as: SIMD4<Float>.self)
        raw.storeBytes(of: SIMD4<Float>(x[14], y[14], x[15], y[15]), toByteOffset: 112, as: SIMD4<Float>.self)
    }

    // The stores here are deliberately not inlined: inlined, their lane-by-lane shuffles made
    // LLVM's SLP vectorizer scalarize the transforms feeding them (hundreds of `mulss` in objdump);
    // behind a call the transforms stay in vector registers and each store is a few shuffles.

    /// Writes `out[0 ..< 32]` from the 64-bit pairs of `a0`, `b0`, `a1`, `b1`: a0's pair k, then b0's pair k, ...
    @usableFromInline @inline(never)
    static func storeInterleavingPairs(_ a0: FloatLanes, _ b0: FloatLanes, _ a1: FloatLanes, _ b1: FloatLanes,
                                       to out: UnsafeMutablePointer<Float>) {
        let raw = UnsafeMutableRawPointer(out)
        raw.storeBytes(of: FloatLanes(a0[0], a0[1], b0[0], b0[1], a0[2], a0[3], b0[2], b0[3]), toByteOffset: 0, as: FloatLanes.self)
        raw.storeBytes(of: FloatLanes(a0[4], a0[5], b0[4], b0[5], a0[6], a0[7], b0[6], b0[7]), toByteOffset: 32, as: FloatLanes.self)
        raw.storeBytes(of: FloatLanes(a1[0], a1[1], b1[0], b1[1], a1[2], a1[3], b1[2], b1[3]), toByteOffset: 64, as: FloatLanes.self)
        raw.storeBytes(of: FloatLanes(a1[4], a1[5], b1[4], b1[5], a1[6], a1[7], b1[6], b1[7]), toByteOffset: 96, as: FloatLanes.self)
    }

    /// Element `index` alone, by random access (for checks; engines fill whole ranges).
    public func element(_ index: UInt64, _ distribution: Distribution) -> Float {
        let v = values(group: index / 32, distribution)
        let withinGroup = Int(index % 32)
        let lane = withinGroup / 4
        switch withinGroup % 4 {
        case 0: return v.0[lane]
        case 1: return v.1[lane]
        case 2: return v.2[lane]
        default: return v.3[lane]
        }
    }
}
