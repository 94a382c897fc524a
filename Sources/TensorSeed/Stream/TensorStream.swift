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
        let firstBlock = group &* 8
        let counter: Philox4x32.Block = (
            WordLanes(repeating: UInt32(truncatingIfNeeded: firstBlock)) &+ WordLanes(0, 1, 2, 3, 4, 5, 6, 7),
            WordLanes(repeating: UInt32(truncatingIfNeeded: firstBlock >> 32)),
            WordLanes(repeating: UInt32(truncatingIfNeeded: streamID)),
            WordLanes(repeating: UInt32(truncatingIfNeeded: streamID >> 32)))
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
        }
    }

    /// Writes the 32 values of group `group` to `out[0 ..< 32]` in element order.
    @inlinable @inline(__always)
    public func store(group: UInt64, _ distribution: Distribution, to out: UnsafeMutablePointer<Float>) {
        let v = values(group: group, distribution)
        for lane in 0..<8 {
            UnsafeMutableRawPointer(out + 4 * lane).storeBytes(of: SIMD4<Float>(v.0[lane], v.1[lane], v.2[lane], v.3[lane]), as: SIMD4<Float>.self)
        }
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
