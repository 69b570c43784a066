/// A `/metrics` answer (Prometheus text format 0.0.4) read into samples, for tests.
struct PrometheusText {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []
    /// `# TYPE` lines: metric name to type.
    var types: [String: String] = [:]

    init(_ text: String) {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let words = line.split(separator: " ")
                if words.count == 4 { self.types[String(words[2])] = String(words[3]) }
                continue
            }
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "),
                let value = Double(line[line.index(after: space)...])
            else { continue }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else {
                self.samples.append(Sample(name: String(series), labels: [:], value: value))
                continue
            }
            self.samples.append(
                Sample(
                    name: String(series[..<brace]),
                    labels: Self.labels(series[series.index(after: brace)..<series.index(before: series.endIndex)]),
                    value: value
                )
            )
        }
    }

    /// The value of the one sample with this name and exactly these labels; nil if there is none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        self.samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// Every sample with this name.
    func samples(named name: String) -> [Sample] {
        self.samples.filter { $0.name == name }
    }

    /// `a="x",b="y"` (values without escapes, as the gateway's labels are).
    private static func labels(_ text: Substring) -> [String: String] {
        var labels: [String: String] = [:]
        var rest = text
        while let equals = rest.firstIndex(of: "=") {
            let name = String(rest[..<equals])
            let valueStart = rest.index(equals, offsetBy: 2)
            guard let valueEnd = rest[valueStart...].firstIndex(of: "\"") else { break }
            labels[name] = String(rest[valueStart..<valueEnd])
            rest = rest[rest.index(after: valueEnd)...]
            if rest.first == "," { rest = rest.dropFirst() }
        }
        return labels
    }
}
