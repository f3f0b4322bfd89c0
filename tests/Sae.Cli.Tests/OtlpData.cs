namespace Sae.Cli.Tests;

/// <summary>A span as exported over OTLP (the fields the tests look at). Ids are lower-case hex; a root has an empty parent.</summary>
internal sealed record OtlpSpan(string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, object?> Attributes,
    IReadOnlyList<OtlpEvent> Events);

/// <summary>A span event.</summary>
internal sealed record OtlpEvent(string Name, IReadOnlyDictionary<string, object?> Attributes);

/// <summary>
/// Decodes OTLP/protobuf export requests (opentelemetry/proto/collector/{trace,metrics}/v1) with <see cref="ProtoReader"/>.
/// Field numbers from the OTLP proto files:
/// ExportTraceServiceRequest.resource_spans = 1; ResourceSpans.scope_spans = 2; ScopeSpans.spans = 2;
/// Span: trace_id = 1, span_id = 2, parent_span_id = 4, name = 5, attributes = 9, events = 11;
/// Span.Event: name = 2, attributes = 3; KeyValue: key = 1, value = 2;
/// AnyValue: string = 1, bool = 2, int = 3, double = 4, array = 5 (ArrayValue.values = 1);
/// ExportMetricsServiceRequest.resource_metrics = 1; ResourceMetrics.scope_metrics = 2; ScopeMetrics.metrics = 2; Metric.name = 1.
/// </summary>
internal static class OtlpData
{
    /// <summary>The spans of one ExportTraceServiceRequest.</summary>
    public static IEnumerable<OtlpSpan> Spans(byte[] request) =>
        from resource in ProtoReader.Messages(request, 1)
        from scope in ProtoReader.Messages(resource, 2)
        from span in ProtoReader.Messages(scope, 2)
        select Span(span);

    /// <summary>The metric names of one ExportMetricsServiceRequest.</summary>
    public static IEnumerable<string> MetricNames(byte[] request) =>
        from resource in ProtoReader.Messages(request, 1)
        from scope in ProtoReader.Messages(resource, 2)
        from metric in ProtoReader.Messages(scope, 2)
        select ProtoReader.Fields(metric).First(f => f.Number == 1).Text;

    private static OtlpSpan Span(ReadOnlyMemory<byte> span)
    {
        var fields = ProtoReader.Fields(span);
        string Hex(int number) => fields.FirstOrDefault(f => f.Number == number).Hex;
        return new OtlpSpan(Hex(1), Hex(2), Hex(4), fields.First(f => f.Number == 5).Text, Attributes(fields, 9),
            fields.Where(f => f.Number == 11).Select(f => Event(f.Bytes)).ToArray());
    }

    private static OtlpEvent Event(ReadOnlyMemory<byte> e)
    {
        var fields = ProtoReader.Fields(e);
        return new OtlpEvent(fields.FirstOrDefault(f => f.Number == 2).Text, Attributes(fields, 3));
    }

    private static Dictionary<string, object?> Attributes(List<ProtoReader.Field> fields, int number) =>
        fields.Where(f => f.Number == number).Select(f => ProtoReader.Fields(f.Bytes)).ToDictionary(
            kv => kv.First(f => f.Number == 1).Text,
            kv => kv.Where(f => f.Number == 2).Select(f => Value(f.Bytes)).FirstOrDefault());

    private static object? Value(ReadOnlyMemory<byte> any)
    {
        var f = ProtoReader.Fields(any).FirstOrDefault();
        return f.Number switch
        {
            1 => f.Text,
            2 => f.Value != 0,
            3 => (long)f.Value,
            4 => BitConverter.UInt64BitsToDouble(f.Value),
            5 => ProtoReader.Messages(f.Bytes, 1).Select(Value).ToArray(),
            _ => null,
        };
    }
}
