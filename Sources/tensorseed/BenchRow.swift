/// One measured row of `tensorseed bench`: a workload on one engine, printed as a table line or as a
/// JSON object (the same fields either way).
struct BenchRow {
    var engine: String
    var workload: BenchWorkload
    /// The shape of the float32 output: [elements] for the flat rows.
    var shape: [Int]
    var rate: Throughput
    /// The CPU engine's rate for the same workload (the row itself when it is the CPU engine).
    var cpu: Throughput
    var memset: Throughput

    var versusCPU: Double { cpu.seconds / rate.seconds }
    var versusMemset: Double { rate.gigabytesPerSecond / memset.gigabytesPerSecond }

    /// "65536x1024", or "67108864" for a flat row.
    var shapeText: String { shape.map(String.init).joined(separator: "x") }

    static let columns: [(title: String, width: Int)] = [
        ("engine / device", 44), ("distribution", 17), ("shape", 14), ("seconds", 10), ("GB/s", 9),
        ("Gsamples/s", 12), ("x cpu", 8), ("x memset", 0),
    ]

    static var tableHeader: String { line(columns.map(\.title)) }

    var tableLine: String {
        BenchRow.line([engine, workload.rawValue, shapeText, format(rate.seconds, digits: 6), format(rate.gigabytesPerSecond),
                       format(rate.gigasamplesPerSecond, digits: 3), format(versusCPU), format(versusMemset)])
    }

    var json: String {
        "{\"engine\": \"\(engine)\", \"distribution\": \"\(workload.rawValue)\", \"shape\": [\(shape.map(String.init).joined(separator: ", "))], "
            + "\"elements\": \(rate.elements), \"seconds\": \(rate.seconds), \"gbps\": \(rate.gigabytesPerSecond), "
            + "\"gsamples_per_s\": \(rate.gigasamplesPerSecond), \"ratio_cpu\": \(versusCPU), "
            + "\"memset_gbps\": \(memset.gigabytesPerSecond), \"ratio_memset\": \(versusMemset)}"
    }

    /// The cells padded to the column widths (the last one unpadded).
    private static func line(_ cells: [String]) -> String {
        zip(cells, columns).map { cell, column in column.width > 0 ? pad(cell, column.width) : cell }.joined()
    }
}
