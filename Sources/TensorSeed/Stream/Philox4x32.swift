/// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw,
/// "Parallel Random Numbers: As Easy as 1, 2, 3" (SC'11), exactly as Random123's
/// `philox.h` defines it: a 128-bit counter and a 64-bit key map to 128 random bits
/// through ten rounds of two 32×32→64-bit multiplications and a Weyl key schedule.
///
/// Words are numbered as in Random123: counter word 0 and key word 0 are the least
/// significant. Checked against every line of `Fixtures/philox4x32_kat.txt`.
public enum Philox4x32 {
    /// Round multiplier for words 0/1 (Random123 `PHILOX_M4x32_0`).
    public static let multiplier0: UInt32 = 0xD251_1F53
    /// Round multiplier for words 2/3 (Random123 `PHILOX_M4x32_1`).
    public static let multiplier1: UInt32 = 0xCD9E_8D57
    /// Key schedule increment for key word 0: the golden ratio, 2^32·(√5−1)/2 (Random123 `PHILOX_W32_0`).
    public static let weyl0: UInt32 = 0x9E37_79B9
    /// Key schedule increment for key word 1: 2^32·(√3−1) (Random123 `PHILOX_W32_1`).
    public static let weyl1: UInt32 = 0xBB67_AE85
    /// The number of rounds of Philox4x32-10.
    public static let rounds = 10

    /// Four counter or output words of eight blocks, word-major: `x.0[l]` is word 0 of lane l.
    public typealias Block = (WordLanes, WordLanes, WordLanes, WordLanes)
    /// A `Block` with each 32-bit word in the low half of a 64-bit lane (the CPU engine's working form).
    public typealias WideBlock = (WideLanes, WideLanes, WideLanes, WideLanes)

    /// The high and low 32 bits of `a × b` in each lane (Random123 `mulhilo32`; OpenCL `mul_hi` and `*`).
    ///
    /// The words sit in the low halves of 64-bit lanes: one 32×32→64 product per lane, which LLVM
    /// emits as `pmuludq`/`vpmuludq` (it reads only the low halves, so the mask costs nothing; ARM:
    /// `umull`). `lo` keeps `hi` in its ignored high half. Working on packed 32-bit lanes instead
    /// (split into even and odd lanes, multiply, blend back) took three times the instructions.
    @inlinable @inline(__always)
    static func mulhilo(_ a: WideLanes, _ b: UInt32) -> (hi: WideLanes, lo: WideLanes) {
        let product = (a & WideLanes(repeating: 0xFFFF_FFFF)) &* WideLanes(repeating: UInt64(b))
        return (product &>> 32, product)
    }

    /// One Philox4x32 round (Random123 `_philox4x32round`), on the low halves of the lanes.
    @inlinable @inline(__always)
    static func round(_ x: WideBlock, _ k0: UInt32, _ k1: UInt32) -> WideBlock {
        let (hi0, lo0) = mulhilo(x.0, multiplier0)
        let (hi1, lo1) = mulhilo(x.2, multiplier1)
        return (hi1 ^ x.1 ^ WideLanes(repeating: UInt64(k0)), lo1, hi0 ^ x.3 ^ WideLanes(repeating: UInt64(k1)), lo0)
    }

    /// Philox4x32-`rounds` of eight counters under one key (Random123 `philox4x32_R`), on the
    /// low halves of the lanes; the high halves of the result are meaningless.
    @inlinable @inline(__always)
    public static func generate(_ counter: WideBlock, key: (UInt32, UInt32), rounds: Int = Philox4x32.rounds) -> WideBlock {
        var x = counter
        var k0 = key.0, k1 = key.1
        if rounds == 10 {
            // The loop below, spelled out: the optimizer does not unroll it.
            x = round(x, k0, k1)
            k0 &+= weyl0; k1 &+= weyl1; x = round(x, k0, k1)
            k0 &+= weyl0; k1 &+= weyl1; x = round(x, k0, k1)
            k0 &+= weyl0; k1 &+= weyl1; x = round(x, k0, k1)
            k0 &+= weyl0; k1 &+= weyl1; x = round(x, k0, k1)
            k0 &+= weyl0; k1 &+= weyl1; x = round(x, k0, k1)
            k0 &+= weyl0; k1 &+= weyl1; x = round(x, k0, k1)
            k0 &+= weyl0; k1 &+= weyl1; x = round(x, k0, k1)
            k0 &+= weyl0; k1 &+= weyl1; x = round(x, k0, k1)
            k0 &+= weyl0; k1 &+= weyl1; x = round(x, k0, k1)
            return x
        }
        for r in 0..<rounds {
            if r > 0 { k0 &+= weyl0; k1 &+= weyl1 }
            x = round(x, k0, k1)
        }
        return x
    }

    /// Philox4x32-`rounds` of eight counters under one key (Random123 `philox4x32_R`).
    @inlinable @inline(__always)
    public static func generate(_ counter: Block, key: (UInt32, UInt32), rounds: Int = Philox4x32.rounds) -> Block {
        let x = generate((WideLanes(widening: counter.0), WideLanes(widening: counter.1),
                          WideLanes(widening: counter.2), WideLanes(widening: counter.3)), key: key, rounds: rounds)
        return (WordLanes(narrowing: x.0), WordLanes(narrowing: x.1), WordLanes(narrowing: x.2), WordLanes(narrowing: x.3))
    }

    /// Philox4x32 of a single counter, for reference and tests.
    public static func generate(counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32),
                                rounds: Int = Philox4x32.rounds) -> (UInt32, UInt32, UInt32, UInt32) {
        let x = generate((WordLanes(repeating: counter.0), WordLanes(repeating: counter.1),
                          WordLanes(repeating: counter.2), WordLanes(repeating: counter.3)), key: key, rounds: rounds)
        return (x.0[0], x.1[0], x.2[0], x.3[0])
    }
}
