import Foundation
import XCTest
@testable import TensorSeed

/// The writers' guarantees about what is on disk: temporary names (length, owner, staleness), the move that
/// never replaces (every fallback), the up-front checks (links, directories, names, free space) and the
/// files of a Hugging Face folder.
final class OutputSafetyTests: XCTestCase {
    private var temporary: TemporaryFolder!
    private var folder: String { temporary.url.path }

    override func setUpWithError() throws { temporary = try TemporaryFolder(prefix: "tensorseed-output") }

    override func tearDownWithError() throws {
        FreeSpace.available = FreeSpace.statvfsAvailable
        temporary.remove()
    }

    private func path(_ name: String) -> String { folder + "/" + name }
    private func files() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder).sorted() }
    private func write(_ text: String, to name: String) { _ = FileManager.default.createFile(atPath: path(name), contents: Data(text.utf8)) }
    private func read(_ name: String) -> String? { try? String(contentsOfFile: path(name), encoding: .utf8) }

    private func plan(tensors: Int = 3, elements: Int = 1000) throws -> ModelPlan {
        try ModelPlan(seed: 1, tensors: (0..<tensors).map { try TensorJob(name: "t\($0)", shape: [elements], dtype: .float32, scheme: .normal(mean: 0, std: 1)) })
    }

    // MARK: temporary names

    func testTemporaryNamesFitAndStayDistinct() {
        let me = TemporaryName.current
        for name in ["model.safetensors", String(repeating: "a", count: 247), String(repeating: "b", count: 255),
                     String(repeating: "é", count: 127), String(repeating: "👩‍👩‍👧", count: 14) + "x.safetensors"] {
            let temporary = me.fileName(for: name)
            XCTAssertLessThanOrEqual(temporary.utf8.count, 255, name)
            XCTAssertEqual(TemporaryName.owner(of: temporary), me, "the owner reads back from \(temporary)")
        }
        // The shards of a set whose names are cut still get distinct temporary names.
        let stem = String(repeating: "s", count: 220)
        let shards = (1...5).map { me.fileName(for: "\(stem)-0000\($0)-of-00005.safetensors") }
        XCTAssertEqual(Set(shards).count, 5)
        XCTAssertEqual(me.path(for: "dir/sub/model.safetensors"), "dir/sub/" + me.fileName(for: "model.safetensors"))
        for notOurs in [".model.safetensors.tmp", "model.safetensors.tensorseed-0-1-2.tmp", ".x.tensorseed-ZZZZZZZZ-1-00000000.tmp",
                        ".x.tensorseed-00000000-0-00000000.tmp", ".x.tensorseed-00000000-12-000000000.tmp", ".x.tensorseed-1234.tmp"] {
            XCTAssertNil(TemporaryName.owner(of: notOurs), notOurs)
        }
    }

    func testStaleIsADeadProcessOfThisHostOnly() throws {
        let me = TemporaryName.current
        XCTAssertFalse(me.isDeadOnThisHost, "this process is alive")
        // pid 1 is alive but did not start when this process did: its pid was "reused".
        XCTAssertTrue(TemporaryName(host: me.host, pid: 1, start: me.start).isDeadOnThisHost)
        // A process that exited: its pid is unused (until reused, which the start token catches).
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        XCTAssertTrue(TemporaryName(host: me.host, pid: child.processIdentifier, start: me.start).isDeadOnThisHost)
        // Another host's process cannot be seen from here: never stale.
        let otherHost = me.host == "00000000" ? "00000001" : "00000000"
        XCTAssertFalse(TemporaryName(host: otherHost, pid: child.processIdentifier, start: me.start).isDeadOnThisHost)

        let dead = TemporaryName(host: me.host, pid: child.processIdentifier, start: me.start)
        write(String(repeating: "x", count: 5000), to: dead.fileName(for: "model.safetensors"))
        write("live", to: me.fileName(for: "model.safetensors"))
        write("other host", to: TemporaryName(host: otherHost, pid: child.processIdentifier, start: me.start).fileName(for: "m.safetensors"))
        write("not ours", to: ".model.safetensors.tmp")
        try FileManager.default.createDirectory(atPath: path(dead.fileName(for: "a-directory")), withIntermediateDirectories: false)
        let removed = StaleTemporaries.remove(in: folder)
        XCTAssertEqual(removed.map(\.path), [path(dead.fileName(for: "model.safetensors"))])
        XCTAssertEqual(removed.first?.pid, child.processIdentifier)
        XCTAssertTrue(StaleTemporaries.describe(removed[0]).contains("no longer running"))
        XCTAssertEqual(try files().count, 4, "the live, other-host, foreign and directory entries are kept")
        XCTAssertEqual(StaleTemporaries.remove(in: path("no-such-folder")), [])
    }

    // MARK: the move that never replaces

    func testNoReplaceMoveByEveryMethod() throws {
        for method in NoReplaceRename.Method.allCases {
            write("new", to: "source")
            write("old", to: "taken")
            XCTAssertEqual(NoReplaceRename.move(path("source"), to: path("taken"), methods: [method]), EEXIST, "\(method)")
            XCTAssertEqual(read("taken"), "old", "\(method)")
            try FileManager.default.createSymbolicLink(atPath: path("link"), withDestinationPath: path("nowhere"))
            XCTAssertEqual(NoReplaceRename.move(path("source"), to: path("link"), methods: [method]), EEXIST, "a dangling link is taken too (\(method))")
            XCTAssertFalse(FileManager.default.fileExists(atPath: path("nowhere")), "\(method)")
            XCTAssertEqual(NoReplaceRename.move(path("source"), to: path("free"), methods: [method]), 0, "\(method)")
            XCTAssertEqual(read("free"), "new", "\(method)")
            XCTAssertEqual(try files(), ["free", "link", "taken"], "\(method): the source is gone, nothing else")
            for name in try files() { try FileManager.default.removeItem(atPath: path(name)) }
        }
    }

    func testExistingLinksAndDirectoriesRefusedUpFront() throws {
        try FileManager.default.createSymbolicLink(atPath: path("m.safetensors"), withDestinationPath: path("nowhere"))
        XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu).write(try plan(), to: path("m.safetensors"))) {
            XCTAssertEqual($0 as? WriterError, .danglingLink(path: path("m.safetensors"), target: path("nowhere")))
        }
        XCTAssertEqual(try files(), ["m.safetensors"])
        _ = try SafetensorsWriter(engine: .cpu, force: true).write(try plan(), to: path("m.safetensors"))
        XCTAssertEqual(try SafetensorsHeader.read(path: path("m.safetensors")).entries.count, 3, "--force replaces the link itself")

        try FileManager.default.createDirectory(atPath: path("d.npy"), withIntermediateDirectories: false)
        var generated = 0
        XCTAssertThrowsError(try RawFloatFile.write(to: path("d.npy"), elements: 10, force: true) { _ in generated += 1 }) {
            XCTAssertEqual($0 as? WriterError, .isDirectory(path: path("d.npy")))
        }
        XCTAssertEqual(generated, 0, "refused before generating")
        XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu, force: true).writeNpy(try plan(tensors: 1), to: path("d.npy")))
        XCTAssertEqual(try files(), ["d.npy", "m.safetensors"])

        let long = path(String(repeating: "n", count: 250) + ".safetensors")
        XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu).write(try plan(), to: long)) {
            XCTAssertEqual($0 as? WriterError, .nameTooLong(path: long, bytes: 262))
        }
    }

    /// A FIFO, a socket or a symbolic link to a directory at the output is never replaced, --force or not, and refused
    /// before anything is generated; a symbolic link to a regular file is replaced itself with --force (its target kept).
    func testOnlyRegularFilesAreReplacedEvenWithForce() throws {
        XCTAssertEqual(mkfifo(path("p.safetensors"), 0o644), 0)
        var generated = 0
        for force in [false, true] {
            XCTAssertThrowsError(try RawFloatFile.write(to: path("p.safetensors"), elements: 2, force: force) { _ in generated += 1 }) {
                XCTAssertEqual($0 as? WriterError, .notRegularFile(path: path("p.safetensors"), kind: "a FIFO (named pipe)"))
            }
            XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu, force: force).write(try plan(), to: path("p.safetensors")))
            let names = ShardNames(output: path("p.safetensors"))!
            XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu, force: force).writeSharded(try plan(), names: names, maxShardBytes: 4000)) {
                XCTAssertEqual($0 as? WriterError, .notRegularFile(path: path("p.safetensors"), kind: "a FIFO (named pipe)"))
            }
        }
        XCTAssertEqual(generated, 0, "refused before generating")
        var info = stat()
        XCTAssertEqual(lstat(path("p.safetensors"), &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO, "the FIFO is still there")

        try FileManager.default.createDirectory(atPath: path("real"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: path("dl.safetensors"), withDestinationPath: path("real"))
        XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu, force: true).write(try plan(), to: path("dl.safetensors"))) {
            XCTAssertEqual($0 as? WriterError, .notRegularFile(path: path("dl.safetensors"), kind: "a symbolic link to a directory"))
        }
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: path("dl.safetensors")), path("real"))

        write("target", to: "t.txt")
        try FileManager.default.createSymbolicLink(atPath: path("l.f32"), withDestinationPath: path("t.txt"))
        try RawFloatFile.write(to: path("l.f32"), elements: 2, force: true) { try $0([1, 2]) }
        XCTAssertEqual(lstat(path("l.f32"), &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFREG, "--force replaces the link itself")
        XCTAssertEqual(read("t.txt"), "target", "and keeps its target")
        XCTAssertEqual(try files(), ["dl.safetensors", "l.f32", "p.safetensors", "real", "t.txt"], "no temporary file left")
    }

    /// Errors about the output name the path given, never the hidden temporary file, and the folder that is missing
    /// or in the way; `OutputFolder.create` makes missing folders and refuses a file in the way.
    func testOutputErrorsNameThePathGivenAndTheFolderInTheWay() throws {
        let missing = path("no/such/x.f32")
        XCTAssertThrowsError(try RawFloatFile.write(to: missing, elements: 1) { try $0([1]) }) {
            XCTAssertEqual($0 as? WriterError, .cannotCreate(path: missing, reason: "the folder \(path("no")) does not exist"))
        }
        write("a file", to: "f")
        let under = path("f/x.safetensors")
        XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu).write(try plan(), to: under)) {
            XCTAssertEqual($0 as? WriterError, .cannotCreate(path: under, reason: "\(path("f")) is a regular file, not a folder"))
        }
        XCTAssertThrowsError(try RawFloatFile.write(to: "", elements: 1) { try $0([1]) }) {
            XCTAssertTrue("\($0)".contains("the output path is empty"), "\($0)")
        }
        XCTAssertEqual(try OutputFolder.create(path("a/b"), for: "out"), [path("a"), path("a/b")])
        XCTAssertEqual(try OutputFolder.create(path("a/b"), for: "out"), [], "an existing folder is not made again")
        XCTAssertThrowsError(try OutputFolder.create(path("f/g"), for: "out/m.safetensors")) {
            XCTAssertEqual($0 as? WriterError, .cannotCreate(path: "out/m.safetensors", reason: "\(path("f")) is a regular file, not a folder; nothing was written"))
        }
        OutputFolder.remove([path("a"), path("a/b")])
        XCTAssertEqual(try files(), ["f"], "no temporary file, no folder left")
    }

    func testRawFloatFileKeepsAnExistingFileWithoutForce() throws {
        write("keep me", to: "x.f32")
        XCTAssertThrowsError(try RawFloatFile.write(to: path("x.f32"), elements: 2) { try $0([1, 2]) }) {
            XCTAssertEqual($0 as? WriterError, .exists(path: path("x.f32")))
        }
        XCTAssertEqual(read("x.f32"), "keep me")
        try RawFloatFile.write(to: path("x.f32"), elements: 2, force: true) { try $0([1, 2]) }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("x.f32"))).count, 8)
        XCTAssertEqual(try files(), ["x.f32"])
    }

    // MARK: free space

    func testShardedSetLargerThanTheDiskIsRefusedUpFront() throws {
        let plan = try plan(tensors: 5, elements: 150_000)
        var asked: [String] = []
        FreeSpace.available = { asked.append($0); return 2 << 20 }
        let names = ShardNames(output: path("model.safetensors"))!
        XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu).writeSharded(plan, names: names, maxShardBytes: 1_000_000)) {
            guard case let WriterError.noRoom(what, bytes, available)? = $0 as? WriterError else { return XCTFail("\($0)") }
            XCTAssertEqual(what, path("model.safetensors.index.json") + " and its 5 shards")
            XCTAssertGreaterThan(bytes, 5 * 600_000)
            XCTAssertEqual(available, 2 << 20)
            XCTAssertTrue("\($0)".contains("\(bytes) bytes needed, \(2 << 20) available"), "\($0)")
        }
        XCTAssertEqual(asked, [folder])
        XCTAssertEqual(try files(), [], "nothing written")
        FreeSpace.available = { _ in 3_100_000 }
        XCTAssertNoThrow(try SafetensorsWriter(engine: .cpu).writeSharded(plan, names: names, maxShardBytes: 1_000_000))
        XCTAssertEqual(try files().count, 6)
    }

    // MARK: Hugging Face folders

    func testConfigFilesOfAFolder() throws {
        let text = """
            {"model_type": "llama", "vocab_size": 64, "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
             "num_attention_heads": 4, "eos_token_id": [2, 7], "rms_norm_eps": 1e-06, "rope_theta": 10000.0, "torch_dtype": "float32",
             "custom": {"kept": [1, null, "x"]}}
            """
        let config = try HuggingFaceConfig.parse(json: Data(text.utf8))
        let saved = HuggingFaceFolder.savedConfig(config, dtype: .bfloat16).object!
        XCTAssertEqual(saved["dtype"], .string("bfloat16"))
        XCTAssertEqual(saved["torch_dtype"], .string("bfloat16"), "the storage type written, not the config's")
        XCTAssertEqual(saved["architectures"], .array([.string("LlamaForCausalLM")]))
        XCTAssertEqual(saved["rms_norm_eps"], .double(1e-06))
        XCTAssertEqual(saved["custom"], .object(["kept": .array([.integer(1), .null, .string("x")])]), "unknown members kept")
        let generation = HuggingFaceFolder.generationConfig(config).object!
        XCTAssertEqual(generation, ["_from_model_config": .bool(true), "bos_token_id": .integer(1), "eos_token_id": .array([.integer(2), .integer(7)])])
        let qwen = try HuggingFaceConfig.parse(json: Data(#"{"model_type": "qwen2", "pad_token_id": 3}"#.utf8))
        XCTAssertEqual(HuggingFaceFolder.generationConfig(qwen).object!, ["_from_model_config": .bool(true), "pad_token_id": .integer(3)])
        // Ids given as null stay unset (the config class keeps None), unlike absent ones, which take the class's default.
        let nulls = try HuggingFaceConfig.parse(json: Data(#"{"model_type": "llama", "bos_token_id": null, "eos_token_id": null}"#.utf8))
        XCTAssertEqual(HuggingFaceFolder.generationConfig(nulls).object!, ["_from_model_config": .bool(true)])
        let gpt2 = try ModelPreset.gpt2Small.huggingFaceConfig()!
        XCTAssertEqual(HuggingFaceFolder.generationConfig(gpt2).object?["eos_token_id"], .integer(50256))
        // Indented as json.dumps(indent=2, sort_keys=True), and parsed back to the same value.
        let indented = HuggingFaceFolder.savedConfig(config, dtype: .float32).indented
        XCTAssertTrue(indented.hasPrefix("{\n  \"architectures\": [\n    \"LlamaForCausalLM\"\n  ],\n"), indented)
        XCTAssertEqual(try JSONValue.parse(Data(indented.utf8)), HuggingFaceFolder.savedConfig(config, dtype: .float32))
        XCTAssertEqual(JSONValue.object([:]).indented, "{}\n")
    }

    func testFolderOutputCommitsConfigWithTheWeights() throws {
        let config = try HuggingFaceConfig.parse(json: Data(#"{"model_type": "gpt2", "n_embd": 8, "n_head": 2, "n_layer": 1, "vocab_size": 10, "n_positions": 4}"#.utf8))
        let plan = try config.plan(seed: 3, dtype: .float16)
        let companions = HuggingFaceFolder.files(of: config, dtype: .float16)
        let names = ShardNames(output: folder + "/")!
        // config.json taken by another process meanwhile: nothing of the folder is written.
        XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu).writeSharded(plan, names: names, maxShardBytes: .max, companions: companions) { _, _ in
            if access(self.path("config.json"), F_OK) != 0 { self.write("theirs", to: "config.json") }
        }) { XCTAssertEqual($0 as? WriterError, .createdMeanwhile(path: path("config.json"))) }
        XCTAssertEqual(try files(), ["config.json"])
        try FileManager.default.removeItem(atPath: path("config.json"))
        let summary = try SafetensorsWriter(engine: .cpu).writeSharded(plan, names: names, maxShardBytes: .max, companions: companions)
        XCTAssertEqual(try files(), ["config.json", "generation_config.json", "model.safetensors"])
        XCTAssertEqual(summary.path, path("model.safetensors"))
        let saved = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: path("config.json"))))
        XCTAssertEqual(saved.object?["dtype"], .string("float16"))
        XCTAssertEqual(try SafetensorsHeader.read(path: path("model.safetensors")).entries.first?.dtype, "F16")
    }
}
