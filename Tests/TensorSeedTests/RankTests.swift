import XCTest
@testable import TensorSeed

/// Rank assignment and launcher detection (`ShardAssignment`, `RankContext`); the CLI runs of many ranks are in
/// Tests/reference/check_ranks.py.
final class RankTests: XCTestCase {
    func testAssignmentIsLargestFirstIntoTheLeastLoaded() {
        XCTAssertEqual(ShardAssignment.assign([5, 5, 5], worldSize: 1), [[0, 1, 2]])
        // 9 → r0; 7 → r1; 5 → r2; 5 (index 3) → r2 (5 < 7, 9); 1 → r1.
        XCTAssertEqual(ShardAssignment.assign([9, 7, 5, 5, 1], worldSize: 3), [[0], [1, 4], [2, 3]])
        // Ties in size go by shard index, ties in load by rank.
        XCTAssertEqual(ShardAssignment.assign([4, 4, 4, 4], worldSize: 2), [[0, 2], [1, 3]])
        // More ranks than shards: the last ranks get nothing.
        XCTAssertEqual(ShardAssignment.assign([1, 2], worldSize: 4), [[1], [0], [], []])
    }

    func testAssignmentCoversEveryShardOnceAndIsBalanced() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let sizes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in Int.random(in: 1...1000, using: &generator) }
            let world = Int.random(in: 1...9, using: &generator)
            let ranks = ShardAssignment.assign(sizes, worldSize: world)
            XCTAssertEqual(ranks.count, world)
            XCTAssertEqual(ranks.flatMap { $0 }.sorted(), Array(sizes.indices))
            let loads = ranks.map { $0.reduce(0) { $0 + sizes[$1] } }
            // LPT: the largest load exceeds the smallest by at most the largest shard.
            XCTAssertLessThanOrEqual((loads.max() ?? 0) - (loads.min() ?? 0), sizes.max() ?? 0)
            XCTAssertEqual(ShardAssignment.assign(sizes, worldSize: world), ranks, "not deterministic")
        }
    }

    func testLaunchersEnvironment() throws {
        func context(_ env: [String: String]) throws -> (Int, Int)? { try RankContext.fromEnvironment(env).map { ($0.rank, $0.worldSize) } }
        XCTAssertNil(try context([:]))
        XCTAssertEqual(try context(["OMPI_COMM_WORLD_RANK": "2", "OMPI_COMM_WORLD_SIZE": "3"])?.0, 2)
        XCTAssertEqual(try context(["PMI_RANK": "1", "PMI_SIZE": "5"])?.1, 5)
        XCTAssertEqual(try context(["RANK": "7", "WORLD_SIZE": "8"])?.0, 7)
        XCTAssertEqual(try context(["SLURM_PROCID": "3", "SLURM_NTASKS": "4"])?.0, 3)
        // mpirun inside a Slurm allocation: mpirun's ranks count.
        XCTAssertEqual(try context(["SLURM_PROCID": "0", "SLURM_NTASKS": "1", "OMPI_COMM_WORLD_RANK": "2", "OMPI_COMM_WORLD_SIZE": "4"])?.0, 2)
        // Array tasks 10...13, alone and with two srun tasks each.
        let array = ["SLURM_ARRAY_TASK_ID": "12", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "4"]
        XCTAssertEqual(try context(array)?.0, 2)
        XCTAssertEqual(try context(array)?.1, 4)
        let both = try context(array.merging(["SLURM_PROCID": "1", "SLURM_NTASKS": "2"]) { a, _ in a })
        XCTAssertEqual(both?.0, 5)
        XCTAssertEqual(both?.1, 8)
        XCTAssertTrue(try RankContext.fromEnvironment(array)!.line.contains("SLURM_ARRAY_TASK_ID=12"))
    }

    func testWrongRanksAreOneLine() {
        let cases: [[String: String]] = [["RANK": "3", "WORLD_SIZE": "3"], ["PMI_RANK": "1"], ["SLURM_PROCID": "x", "SLURM_NTASKS": "2"],
                                         ["WORLD_SIZE": "0", "RANK": "0"], ["SLURM_ARRAY_TASK_ID": "3"],
                                         ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_MIN": "2", "SLURM_ARRAY_TASK_COUNT": "2"],
                                         ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "2", "SLURM_ARRAY_TASK_COUNT": "2"]]
        for env in cases {
            XCTAssertThrowsError(try RankContext.fromEnvironment(env), "\(env)") { error in
                XCTAssertTrue(error is RankError)
                XCTAssertFalse("\(error)".contains("\n"))
            }
        }
        XCTAssertThrowsError(try RankContext.resolve(rank: 1, worldSize: nil, environment: [:]))
        XCTAssertEqual(try RankContext.resolve(rank: 1, worldSize: 2, environment: ["RANK": "0", "WORLD_SIZE": "9"])?.worldSize, 2)
    }
}
