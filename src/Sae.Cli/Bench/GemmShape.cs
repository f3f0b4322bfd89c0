namespace Sae.Cli.Bench;

/// <summary>A GEMM to time: C[m, n] = op(A)·op(B) with A stored transposed or not, likewise B.</summary>
internal sealed record GemmShape(string Name, int M, int N, int K, bool TransposeA, bool TransposeB)
{
    /// <summary>The shapes that matter for SAE training (names as in ../shared/bench-ref/bench_gemm.py).</summary>
    public static IReadOnlyList<GemmShape> Defaults { get; } =
    [
        // pre-activations x·W_encᵀ: x [4096, 768], W_enc [16384, 768]
        new("sae_fwd", 4096, 16384, 768, false, true),
        new("square4096", 4096, 4096, 4096, false, false),
        // weight gradient gᵀ·x: g [4096, 16384], x [4096, 768]
        new("sae_gradW", 16384, 768, 4096, true, false),
        // input gradient g·W: g [4096, 16384], W [16384, 768]
        new("sae_gradX", 4096, 768, 16384, false, false),
    ];

    /// <summary>The operation as --op names it: abt (A·Bᵀ), ab, atb (Aᵀ·B) or atbt.</summary>
    public string Operation => $"{(TransposeA ? "at" : "a")}{(TransposeB ? "bt" : "b")}";

    /// <summary>Floating-point operations of one product (2·m·n·k).</summary>
    public double Flops => 2.0 * M * N * K;

    /// <summary>Parses "M,N,K" with an operation name (abt, ab, atb, atbt).</summary>
    public static GemmShape Parse(string text, string op)
    {
        var parts = text.Split(',', 'x');
        if (parts.Length != 3 || !parts.All(p => int.TryParse(p, out int v) && v > 0))
            throw new Commands.UserErrorException($"--shape must be three positive integers M,N,K (got '{text}').");
        int[] d = parts.Select(int.Parse).ToArray();
        (bool ta, bool tb) = op.ToLowerInvariant() switch
        {
            "abt" => (false, true),
            "ab" => (false, false),
            "atb" => (true, false),
            "atbt" => (true, true),
            _ => throw new Commands.UserErrorException($"--op must be one of abt, ab, atb, atbt (got '{op}')."),
        };
        long elements = Math.Max((long)d[0] * d[2], Math.Max((long)d[2] * d[1], (long)d[0] * d[1]));
        if (elements > int.MaxValue)
            throw new Commands.UserErrorException($"--shape {text}: a matrix of {elements} elements exceeds the largest span ({int.MaxValue}).");
        return new GemmShape($"custom_{op}", d[0], d[1], d[2], ta, tb);
    }
}
