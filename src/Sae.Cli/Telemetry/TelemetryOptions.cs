namespace Sae.Cli.Telemetry;

/// <summary>
/// What the standard OpenTelemetry environment variables ask of <c>sae</c>. Export is opt-in: traces go out only when
/// OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, metrics only when OTEL_EXPORTER_OTLP_ENDPOINT
/// or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT is; OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER = none turn one off, and
/// OTEL_SDK_DISABLED = true turns everything off. The service is OTEL_SERVICE_NAME, else "sae". The exporter itself reads
/// the rest (OTEL_EXPORTER_OTLP_PROTOCOL, _HEADERS, _TIMEOUT, OTEL_BSP_*, OTEL_METRIC_EXPORT_INTERVAL, OTEL_RESOURCE_ATTRIBUTES).
/// </summary>
/// <param name="Traces">Export spans.</param>
/// <param name="Metrics">Export metrics.</param>
/// <param name="ServiceName">The service.name resource attribute.</param>
internal sealed record TelemetryOptions(bool Traces, bool Metrics, string ServiceName)
{
    /// <summary>The service name when OTEL_SERVICE_NAME is not set.</summary>
    public const string DefaultServiceName = "sae";

    /// <summary>Reads the variables through <paramref name="variable"/> (the process environment by default).</summary>
    public static TelemetryOptions FromEnvironment(Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        bool Set(string name) => !string.IsNullOrWhiteSpace(variable(name));
        bool Is(string name, string value) => string.Equals(variable(name)?.Trim(), value, StringComparison.OrdinalIgnoreCase);
        bool disabled = Is("OTEL_SDK_DISABLED", "true");
        bool anywhere = Set("OTEL_EXPORTER_OTLP_ENDPOINT");
        bool traces = !disabled && !Is("OTEL_TRACES_EXPORTER", "none") && (anywhere || Set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
        bool metrics = !disabled && !Is("OTEL_METRICS_EXPORTER", "none") && (anywhere || Set("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"));
        string? service = variable("OTEL_SERVICE_NAME");
        return new TelemetryOptions(traces, metrics, string.IsNullOrWhiteSpace(service) ? DefaultServiceName : service.Trim());
    }
}
