using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Sae.Cli.Tests;

/// <summary>
/// A stand-in OpenTelemetry collector on loopback: accepts OTLP/HTTP (POST /v1/traces, /v1/metrics, protobuf bodies)
/// or, listening for HTTP/2, OTLP/gRPC, and keeps every export, decoded on demand. Any other request is counted too, so a test can check that nothing was sent.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<byte[]> _traces = new();
    private readonly ConcurrentQueue<byte[]> _metrics = new();
    private int _requests;

    private OtlpReceiver(int port, bool http2)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = http2 ? HttpProtocols.Http2 : HttpProtocols.Http1));
        _app = builder.Build();
        _app.MapPost("/v1/traces", context => KeepAsync(context, _traces));
        _app.MapPost("/v1/metrics", context => KeepAsync(context, _metrics));
        _app.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export", context => KeepGrpcAsync(context, _traces));
        _app.MapPost("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", context => KeepGrpcAsync(context, _metrics));
        _app.MapFallback(context =>
        {
            // anything else (a gRPC export, another path) is a request all the same
            Interlocked.Increment(ref _requests);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
    }

    /// <summary>The base URL to put in OTEL_EXPORTER_OTLP_ENDPOINT.</summary>
    public string Endpoint => _app.Urls.Single();

    /// <summary>Requests received, of any kind.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Every span received so far.</summary>
    public IReadOnlyList<OtlpSpan> Spans => _traces.SelectMany(OtlpData.Spans).ToArray();

    /// <summary>Names of every metric received so far.</summary>
    public IReadOnlySet<string> MetricNames => _metrics.SelectMany(OtlpData.MetricNames).ToHashSet();

    /// <summary>Starts listening on 127.0.0.1:<paramref name="port"/> (0: any free port); HTTP/2 without TLS (gRPC) when <paramref name="http2"/>.</summary>
    /// <exception cref="IOException">The port is taken.</exception>
    public static async Task<OtlpReceiver> StartAsync(int port = 0, bool http2 = false)
    {
        var receiver = new OtlpReceiver(port, http2);
        try
        {
            await receiver._app.StartAsync();
            return receiver;
        }
        catch
        {
            await receiver.DisposeAsync();
            throw;
        }
    }

    private async Task KeepAsync(HttpContext context, ConcurrentQueue<byte[]> into)
    {
        Interlocked.Increment(ref _requests);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        if (context.Request.ContentType != "application/x-protobuf")
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }
        into.Enqueue(body.ToArray());

        // an empty Export*ServiceResponse: everything accepted
        context.Response.ContentType = "application/x-protobuf";
    }

    // OTLP/gRPC: the body is one length-prefixed message (1 byte compressed flag, 4 bytes big-endian length); the answer an
    // empty one with grpc-status 0 in the trailers
    private async Task KeepGrpcAsync(HttpContext context, ConcurrentQueue<byte[]> into)
    {
        Interlocked.Increment(ref _requests);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        byte[] frame = body.ToArray();
        if (frame.Length < 5 || frame[0] != 0)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        into.Enqueue(frame[5..(5 + System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(1, 4)))]);
        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(new byte[5]);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
