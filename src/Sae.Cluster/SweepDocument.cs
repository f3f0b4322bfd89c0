using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sae.Core;

namespace Sae.Cluster;

/// <summary>
/// The resolved, immutable definition of a sweep as stored in sweeps/{sweep}/spec.json: what every worker
/// needs to rebuild the plan (cells with every setting, seeds, job grouping, dataset, comparison settings).
/// </summary>
public sealed record SweepDocument
{
    /// <summary>"{name}-{hash}": the hash covers everything that decides results.</summary>
    public string SweepId { get; init; } = "";

    /// <summary>The human name.</summary>
    public required string Name { get; init; }

    /// <summary>The dataset in the store.</summary>
    public required DatasetRef Dataset { get; init; }

    /// <summary>The grid's cells.</summary>
    public required IReadOnlyList<CellDocument> Cells { get; init; }

    /// <summary>The seeds every cell is trained with.</summary>
    public required IReadOnlyList<ulong> Seeds { get; init; }

    /// <summary>Seeds one training job trains in one pass.</summary>
    public int SeedsPerJob { get; init; }

    /// <summary>Shared-latent threshold.</summary>
    public double Threshold { get; init; }

    /// <summary>Whether comparisons report ground-truth recovery (the dataset's ground_truth.safetensors).</summary>
    public bool UseGroundTruth { get; init; }

    /// <summary>Memory budget of a comparison's cosine matrix.</summary>
    public long MemoryBudgetBytes { get; init; }

    /// <summary>Checkpoint cadence in steps.</summary>
    public long CheckpointEvery { get; init; }

    /// <summary>"sparsify" or "saelens".</summary>
    public required string Format { get; init; }

    /// <summary>Failed attempts before an entity is Failed.</summary>
    public int MaxFailures { get; init; }

    /// <summary>Lease length of a claim.</summary>
    public double LeaseSeconds { get; init; }

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The document for <paramref name="spec"/> over an imported dataset, with its id computed.</summary>
    public static SweepDocument From(SweepSpec spec, DatasetRef dataset)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var doc = new SweepDocument
        {
            Name = spec.Name,
            Dataset = dataset,
            Cells = spec.Cells.Select(CellDocument.From).ToArray(),
            Seeds = spec.Seeds,
            SeedsPerJob = spec.Resources.SeedsPerJob,
            Threshold = spec.Comparison.Threshold,
            UseGroundTruth = spec.Comparison.GroundTruth == "auto" && dataset.GroundTruthFeatures is not null,
            MemoryBudgetBytes = spec.Comparison.MemoryBudgetBytes,
            CheckpointEvery = spec.CheckpointEvery,
            Format = spec.Format == SaeFileLayout.Sparsify ? "sparsify" : "saelens",
            MaxFailures = spec.Resources.MaxFailures,
            LeaseSeconds = spec.Resources.LeaseSeconds,
        };
        return doc with { SweepId = $"{spec.Name}-{doc.ContentHash()}" };
    }

    // the settings that decide results (not job grouping, failures, lease or memory budget)
    private string ContentHash()
    {
        var identity = new { Name, Dataset.Id, Cells, Seeds, Threshold, UseGroundTruth, Format };
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(identity, Json);
        return Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 4));
    }

    /// <summary>UTF-8 JSON.</summary>
    public byte[] ToBytes() => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>Parses spec.json.</summary>
    public static SweepDocument Parse(byte[] bytes, string origin)
    {
        try
        {
            return JsonSerializer.Deserialize<SweepDocument>(bytes, Json) ?? throw new SaeInputException($"{origin}: empty sweep document.");
        }
        catch (JsonException e)
        {
            throw new SaeInputException($"{origin}: not a sweep document ({e.Message.Split('\n')[0]}).", e);
        }
    }

    /// <summary>The layout SAEs are written in.</summary>
    [JsonIgnore]
    public SaeFileLayout Layout => Format == "saelens" ? SaeFileLayout.SaeLens : SaeFileLayout.Sparsify;
}

/// <summary>A dataset imported into the store (the Shard entity's manifest is at StoreLayout.DatasetManifest(Id)).</summary>
/// <param name="Id">Content-derived id.</param>
/// <param name="D">Values per row.</param>
/// <param name="Rows">Rows over all shards.</param>
/// <param name="Description">Where it came from.</param>
/// <param name="GroundTruthFeatures">G for synthetic data (ground_truth.safetensors present), else null.</param>
public sealed record DatasetRef(string Id, int D, long Rows, string Description, int? GroundTruthFeatures);
