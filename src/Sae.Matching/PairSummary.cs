using System.Text.Json.Serialization;

namespace Sae.Matching;

/// <summary>
/// The paper's statistics for one pair, over the latents of A (the narrower SAE; see
/// <see cref="PairResult"/>). Serialises with the snake_case keys of summary.json.
/// </summary>
public sealed record PairSummary
{
    /// <summary>Thresholds of <see cref="ThresholdCurve"/>: k / 100 for k = 0..100.</summary>
    public const int CurvePoints = 101;

    /// <summary>Fraction of A's latents with decoder- and encoder-matched cosine both &gt; threshold.</summary>
    [JsonPropertyName("shared_fraction")] public double SharedFraction { get; init; }

    /// <summary>Fraction of A's latents whose decoder and encoder partners are the same latent.</summary>
    [JsonPropertyName("agree_fraction")] public double AgreeFraction { get; init; }

    /// <summary>Fraction of A's latents that agree and are shared.</summary>
    [JsonPropertyName("agree_and_shared_fraction")] public double AgreeAndSharedFraction { get; init; }

    /// <summary>Mean decoder-matched cosine over A's latents.</summary>
    [JsonPropertyName("mean_dec_cos")] public double MeanDecCos { get; init; }

    /// <summary>Mean encoder-matched cosine over A's latents.</summary>
    [JsonPropertyName("mean_enc_cos")] public double MeanEncCos { get; init; }

    /// <summary>Mean over A's latents of the best decoder cosine to any latent of B (no one-to-one constraint).</summary>
    [JsonPropertyName("mmcs_dec_ab")] public double MmcsDecAB { get; init; }

    /// <summary>Mean over B's latents of the best decoder cosine to any latent of A.</summary>
    [JsonPropertyName("mmcs_dec_ba")] public double MmcsDecBA { get; init; }

    /// <summary>Mean over A's latents of the best encoder cosine to any latent of B.</summary>
    [JsonPropertyName("mmcs_enc_ab")] public double MmcsEncAB { get; init; }

    /// <summary>Mean over B's latents of the best encoder cosine to any latent of A.</summary>
    [JsonPropertyName("mmcs_enc_ba")] public double MmcsEncBA { get; init; }

    /// <summary>[101]: shared fraction at threshold k / 100 (k = 0..100); non-increasing.</summary>
    [JsonPropertyName("threshold_curve")] public double[] ThresholdCurve { get; init; } = [];

    /// <summary>Latents of A.</summary>
    [JsonPropertyName("n_a")] public int LatentsA { get; init; }

    /// <summary>Latents of B.</summary>
    [JsonPropertyName("n_b")] public int LatentsB { get; init; }

    /// <summary>Input width d.</summary>
    [JsonPropertyName("d")] public int Dimension { get; init; }

    /// <summary>"dense" (exact on the full matrices) or "sparse" (exact on candidate graphs, for pairs past the memory budget).</summary>
    [JsonPropertyName("method")] public string Method { get; init; } = "dense";

    /// <summary>Proven bound on how far each assignment's total cosine is below the exact optimum (0 when dense), decoder then encoder.</summary>
    [JsonPropertyName("optimality_gap_dec")] public double OptimalityGapDec { get; init; }

    /// <summary>As <see cref="OptimalityGapDec"/>, for the encoder assignment.</summary>
    [JsonPropertyName("optimality_gap_enc")] public double OptimalityGapEnc { get; init; }

    /// <summary>The threshold of <see cref="SharedFraction"/>.</summary>
    [JsonPropertyName("threshold")] public double Threshold { get; init; }

    // The sign-invariant keys come last and are left out of signed comparisons, so those keep their bytes.

    /// <summary>True when matched by |cos| (signed latents, e.g. AbsTopK); the key is absent for the paper's signed matching.</summary>
    [JsonPropertyName("sign_invariant")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool SignInvariant { get; init; }

    /// <summary>Sign-invariant only (null otherwise): latents of A whose decoder partner has a negative raw cosine.</summary>
    [JsonPropertyName("flipped_dec")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? FlippedDec { get; init; }

    /// <summary>Sign-invariant only (null otherwise): latents of A whose encoder partner has a negative raw cosine.</summary>
    [JsonPropertyName("flipped_enc")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? FlippedEnc { get; init; }

    internal static PairSummary From(PairResult r)
    {
        int n = r.LatentsA;
        double Fraction(Func<int, bool> predicate) => n == 0 ? 0 : (double)Enumerable.Range(0, n).Count(predicate) / n;
        return new PairSummary
        {
            SharedFraction = Fraction(i => r.IsShared(i, r.Threshold)),
            AgreeFraction = Fraction(r.Agrees),
            AgreeAndSharedFraction = Fraction(i => r.Agrees(i) && r.IsShared(i, r.Threshold)),
            MeanDecCos = r.Decoder.MeanCosine,
            MeanEncCos = r.Encoder.MeanCosine,
            MmcsDecAB = r.Decoder.MmcsAB,
            MmcsDecBA = r.Decoder.MmcsBA,
            MmcsEncAB = r.Encoder.MmcsAB,
            MmcsEncBA = r.Encoder.MmcsBA,
            ThresholdCurve = Enumerable.Range(0, CurvePoints).Select(k => Fraction(i => r.IsShared(i, k / 100.0))).ToArray(),
            LatentsA = n,
            LatentsB = r.LatentsB,
            Dimension = r.Dimension,
            Threshold = r.Threshold,
            Method = r.Decoder.Method,
            OptimalityGapDec = r.Decoder.OptimalityGap,
            OptimalityGapEnc = r.Encoder.OptimalityGap,
            SignInvariant = r.SignInvariant,
            FlippedDec = r.SignInvariant ? r.Decoder.FlippedPairs : null,
            FlippedEnc = r.SignInvariant ? r.Encoder.FlippedPairs : null,
        };
    }
}
