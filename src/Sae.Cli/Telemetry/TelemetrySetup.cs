using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Sae.Cluster;

namespace Sae.Cli.Telemetry;

/// <summary>
/// The one place where telemetry is wired: OTLP exporters for the product's ActivitySource and Meter
/// (<see cref="ClusterNames.TelemetryName"/>), when <see cref="TelemetryOptions"/> says the environment configures one;
/// otherwise nothing listens and nothing is exported. Disposing flushes what is buffered (call it on every exit path).
/// </summary>
internal sealed class TelemetrySetup : IDisposable
{
    private readonly TracerProvider? _traces;
    private readonly MeterProvider? _metrics;

    private TelemetrySetup(TracerProvider? traces, MeterProvider? metrics)
    {
        _traces = traces;
        _metrics = metrics;
    }

    /// <summary>Whether spans are exported.</summary>
    public bool ExportsTraces => _traces is not null;

    /// <summary>Whether metrics are exported.</summary>
    public bool ExportsMetrics => _metrics is not null;

    /// <summary>Starts exporting what <paramref name="options"/> (by default: the environment) asks for.</summary>
    public static TelemetrySetup Start(TelemetryOptions? options = null)
    {
        options ??= TelemetryOptions.FromEnvironment();
        var resource = ResourceBuilder.CreateDefault().AddService(options.ServiceName);
        // the exporters read endpoint, protocol, headers and batching from the OTEL_* variables themselves
        var traces = options.Traces
            ? Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(ClusterNames.TelemetryName).AddOtlpExporter().Build()
            : null;
        var metrics = options.Metrics
            ? Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(ClusterNames.TelemetryName).AddOtlpExporter().Build()
            : null;
        return new TelemetrySetup(traces, metrics);
    }

    /// <summary>Flushes and stops the exporters.</summary>
    public void Dispose()
    {
        _traces?.Dispose();
        _metrics?.Dispose();
    }
}
