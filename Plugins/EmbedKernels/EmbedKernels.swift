import Foundation
import PackagePlugin

/// Build-tool plugin: turns `kernels/*.cl` (at the package root) into one generated Swift file,
/// `EmbeddedKernels.swift`, holding each kernel's source as a string constant, so the OpenCL
/// engine never looks for a file at run time. The files are declared as inputs, so editing a
/// kernel rebuilds the target that embeds it.
@main
struct EmbedKernels: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let kernelsDirectory = context.package.directoryURL.appending(path: "kernels")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedKernels.swift")
        let names = try FileManager.default.contentsOfDirectory(atPath: kernelsDirectory.path())
            .filter { $0.hasSuffix(".cl") }
            .sorted()
        let inputs = names.map { kernelsDirectory.appending(path: $0) }
        return [.buildCommand(
            displayName: "Embedding OpenCL kernels (\(names.joined(separator: ", "))) into \(target.name)",
            executable: try context.tool(named: "EmbedKernelsTool").url,
            arguments: [output.path()] + inputs.map { $0.path() },
            inputFiles: inputs,
            outputFiles: [output]
        )]
    }
}
