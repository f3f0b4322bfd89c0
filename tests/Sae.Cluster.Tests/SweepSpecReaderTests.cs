using Sae.Core;

namespace Sae.Cluster.Tests;

public class SweepSpecReaderTests
{
    private static readonly DatasetRef Dataset = new("synth-000000000000", 8, 2048, "tiny", 16);

    [Fact]
    public void Parse_TinySweep_AllSettingsRead()
    {
        var spec = TinySweep.Parse();
        Assert.Equal("tiny", spec.Name);
        Assert.Equal(new SyntheticDataSpec(16, 8, 2048, 3, false, 3), spec.Dataset.Synthetic);
        Assert.Equal(1024, spec.Dataset.ShardRows);
        var cell = Assert.Single(spec.Cells);
        Assert.StartsWith("topk-w16-k2-s20-", cell.Key, StringComparison.Ordinal);
        Assert.Equal((SaeArchitecture.TopK, 8, 16, 2), (cell.Sae.Architecture, cell.Sae.Dimension, cell.Sae.Latents, cell.Sae.K));
        Assert.Equal((64, 20L, 0), (cell.Train.BatchSize, cell.Train.Steps, cell.Train.WarmupSteps));
        Assert.Equal([0UL, 1UL], spec.Seeds);
        Assert.Equal(5, spec.CheckpointEvery);
        Assert.Equal((0.7, "auto", 64L << 20), (spec.Comparison.Threshold, spec.Comparison.GroundTruth, spec.Comparison.MemoryBudgetBytes));
        Assert.Equal(new ResourceSettings(1, 1, 2, 2, 30), spec.Resources);
    }

    /// <summary>A TopK and a ReLU cell with every option: keys and sweep id as computed before architectures were registered.</summary>
    private const string PinnedYaml = """
        name: tiny
        dataset:
          synthetic: {features: 16, dim: 8, rows: 2048, active: 3, seed: 3}
          shard_rows: 1024
        grid:
          - architecture: topk
            latents: [16]
            k: [2]
          - architecture: relu
            latents: [16]
            l1: [0.05]
        seeds: 2
        training:
          batch: 64
          steps: 20
          lr: 0.001
          lr_warmup_steps: 0
          dead_tokens: 1000
          multi_topk: true
          auxk_alpha: 0.03
          checkpoint_every: 5
        comparison:
          threshold: 0.7
          memory_budget: 64MiB
        resources:
          workers: 1
          threads_per_worker: 1
          max_failures: 2
          lease_seconds: 30
        """;

    [Fact]
    public void From_TopKAndReluCells_SameKeysAndSweepIdAsBeforeTheRegistry()
    {
        var spec = TinySweep.Parse(PinnedYaml);
        Assert.Equal(["topk-w16-k2-s20-80e58b", "relu-w16-l10.05-s20-9435f0"], spec.Cells.Select(c => c.Key));
        var doc = SweepDocument.From(spec, Dataset);
        Assert.Equal("tiny-4b60686d", doc.SweepId);
        Assert.DoesNotContain("threshold_start_step", System.Text.Encoding.UTF8.GetString(doc.ToBytes()), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BatchTopKEntry_CellWithKAuxKAndThresholdStartButNoMultiTopK()
    {
        string yaml = PinnedYaml.Replace("architecture: topk", "architecture: batchtopk", StringComparison.Ordinal)
            .Replace("dead_tokens: 1000", "dead_tokens: 1000\n  threshold_start_step: 7", StringComparison.Ordinal);
        var spec = TinySweep.Parse(yaml);
        var cell = spec.Cells[0];
        Assert.StartsWith("batchtopk-w16-k2-s20-", cell.Key, StringComparison.Ordinal);
        Assert.Equal((SaeArchitecture.BatchTopK, 2, false, 0.03, 7), (cell.Sae.Architecture, cell.Sae.K, cell.Sae.MultiTopK, cell.Sae.AuxKAlpha, cell.Sae.ThresholdStartStep));
        // the relu cell is the same as without the batchtopk entry; a different start step is a different cell
        Assert.Equal("relu-w16-l10.05-s20-9435f0", spec.Cells[1].Key);
        Assert.NotEqual(cell.Key, TinySweep.Parse(yaml.Replace("threshold_start_step: 7", "threshold_start_step: 8", StringComparison.Ordinal)).Cells[0].Key);
        var doc = SweepDocument.From(spec, Dataset);
        var back = SweepDocument.Parse(doc.ToBytes(), "spec.json");
        Assert.Equal(cell.Sae, back.Cells[0].Sae());
        Assert.Equal(spec.Cells[1].Sae, back.Cells[1].Sae());
        Assert.Equal((2, (double?)null), (back.Cells[0].UsedK, back.Cells[0].UsedL1));
        var e = Assert.Throws<SaeInputException>(() => TinySweep.Parse(yaml.Replace("threshold_start_step: 7", "threshold_start_step: -1", StringComparison.Ordinal)));
        Assert.Contains("grid[0]: threshold-start-step must be >= 0 (got -1)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AbsTopKEntry_CellWithKMultiTopKAndAuxK()
    {
        var spec = TinySweep.Parse(PinnedYaml.Replace("architecture: topk", "architecture: abstopk", StringComparison.Ordinal));
        var cell = spec.Cells[0];
        Assert.StartsWith("abstopk-w16-k2-s20-", cell.Key, StringComparison.Ordinal);
        Assert.Equal((SaeArchitecture.AbsTopK, 2, true, 0.03), (cell.Sae.Architecture, cell.Sae.K, cell.Sae.MultiTopK, cell.Sae.AuxKAlpha));
        var back = SweepDocument.Parse(SweepDocument.From(spec, Dataset).ToBytes(), "spec.json");
        Assert.Equal(cell.Sae, back.Cells[0].Sae());
    }

    [Fact]
    public void Parse_JumpReluEntry_CellWithL0AndItsSettingsOthersUnchanged()
    {
        string yaml = PinnedYaml.Replace("architecture: topk\n    latents: [16]\n    k: [2]", "architecture: jumprelu\n    latents: [16]\n    l0: [0.1, 0.2]", StringComparison.Ordinal)
            .Replace("dead_tokens: 1000", "dead_tokens: 1000\n  l0_warmup_steps: 4\n  jumprelu_bandwidth: 0.1\n  jumprelu_init_threshold: 0.03", StringComparison.Ordinal);
        var spec = TinySweep.Parse(yaml);
        Assert.Equal(3, spec.Cells.Count);
        var cell = spec.Cells[0];
        Assert.StartsWith("jumprelu-w16-l00.1-s20-", cell.Key, StringComparison.Ordinal);
        Assert.Equal((SaeArchitecture.JumpReLU, 0.1, 4, 0.1, 0.03), (cell.Sae.Architecture, cell.Sae.L0Coefficient, cell.Sae.L0WarmupSteps, cell.Sae.JumpReluBandwidth, cell.Sae.JumpReluInitThreshold));
        Assert.Equal(0.2, spec.Cells[1].Sae.L0Coefficient);
        // the relu cell keeps its key: the JumpReLU settings do not enter other architectures' identity
        Assert.Equal("relu-w16-l10.05-s20-9435f0", spec.Cells[2].Key);
        var back = SweepDocument.Parse(SweepDocument.From(spec, Dataset).ToBytes(), "spec.json");
        Assert.Equal(cell.Sae, back.Cells[0].Sae());
        Assert.Equal(spec.Cells[2].Sae, back.Cells[2].Sae());
        var e = Assert.Throws<SaeInputException>(() => TinySweep.Parse(PinnedYaml.Replace("k: [2]", "k: [2]\n    l0: [0.1]", StringComparison.Ordinal)));
        Assert.Contains("l0 applies to architecture jumprelu only", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MatryoshkaEntry_CellWithGroupsKAuxKAndThresholdStart()
    {
        string yaml = PinnedYaml.Replace("architecture: topk", "architecture: matryoshka", StringComparison.Ordinal)
            .Replace("k: [2]", "k: [2]\n    groups: [4, 4, 8]", StringComparison.Ordinal);
        var spec = TinySweep.Parse(yaml);
        var cell = spec.Cells[0];
        Assert.StartsWith("matryoshka-w16-k2-s20-", cell.Key, StringComparison.Ordinal);
        Assert.Equal((SaeArchitecture.MatryoshkaBatchTopK, 2, false, 0.03), (cell.Sae.Architecture, cell.Sae.K, cell.Sae.MultiTopK, cell.Sae.AuxKAlpha));
        Assert.Equal([4, 4, 8], cell.Sae.Groups);
        Assert.Equal("relu-w16-l10.05-s20-9435f0", spec.Cells[1].Key);
        // other groups are another cell; groups must sum to latents
        Assert.NotEqual(cell.Key, TinySweep.Parse(yaml.Replace("[4, 4, 8]", "[8, 8]", StringComparison.Ordinal)).Cells[0].Key);
        var back = SweepDocument.Parse(SweepDocument.From(spec, Dataset).ToBytes(), "spec.json");
        Assert.Equal(cell.Sae, back.Cells[0].Sae());
        var e = Assert.Throws<SaeInputException>(() => TinySweep.Parse(yaml.Replace("[4, 4, 8]", "[4, 4, 4]", StringComparison.Ordinal)));
        Assert.Contains("grid[0]: groups must sum to latents = 16 (got 4,4,4, sum 12)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SameTextTwice_SameCellKeysAndSweepId()
    {
        var a = TinySweep.Parse(TinySweep.TwoCells);
        var b = TinySweep.Parse(TinySweep.TwoCells);
        Assert.Equal(2, a.Cells.Count);
        Assert.Equal(a.Cells.Select(c => c.Key), b.Cells.Select(c => c.Key));
        Assert.NotEqual(a.Cells[0].Key, a.Cells[1].Key);
        Assert.Equal(SweepDocument.From(a, Dataset).SweepId, SweepDocument.From(b, Dataset).SweepId);
    }

    [Fact]
    public void Parse_ResourcesChanged_SameSweepId()
    {
        var a = TinySweep.Parse();
        var b = TinySweep.Parse(TinySweep.Yaml.Replace("max_failures: 2", "max_failures: 5", StringComparison.Ordinal)
            .Replace("lease_seconds: 30", "lease_seconds: 90", StringComparison.Ordinal));
        Assert.Equal(SweepDocument.From(a, Dataset).SweepId, SweepDocument.From(b, Dataset).SweepId);
    }

    [Fact]
    public void Parse_LearningRateChanged_OtherCellKeyAndSweepId()
    {
        var a = TinySweep.Parse();
        var b = TinySweep.Parse(TinySweep.Yaml.Replace("lr: 0.001", "lr: 0.002", StringComparison.Ordinal));
        Assert.NotEqual(a.Cells[0].Key, b.Cells[0].Key);
        Assert.NotEqual(SweepDocument.From(a, Dataset).SweepId, SweepDocument.From(b, Dataset).SweepId);
    }

    [Fact]
    public void Parse_SeedsCount_ZeroToCountMinusOne() =>
        Assert.Equal([0UL, 1UL, 2UL, 3UL, 4UL], TinySweep.Parse(TinySweep.Yaml.Replace("seeds: 2", "seeds: 5", StringComparison.Ordinal)).Seeds);

    [Fact]
    public void Parse_SeedsList_ExactlyThoseSeeds() =>
        Assert.Equal([7UL, 3UL, 11UL], TinySweep.Parse(TinySweep.Yaml.Replace("seeds: 2", "seeds: [7, 3, 11]", StringComparison.Ordinal)).Seeds);

    [Fact]
    public void Parse_SeedsPerJobAboveSeeds_ClampedToSeeds() =>
        Assert.Equal(2, TinySweep.Parse(TinySweep.Yaml.Replace("max_failures: 2", "max_failures: 2\n  seeds_per_job: 9", StringComparison.Ordinal)).Resources.SeedsPerJob);

    [Fact]
    public void From_ParsedSpec_DocumentRoundTripsThroughJson()
    {
        var doc = SweepDocument.From(TinySweep.Parse(TinySweep.TwoCells), Dataset);
        var back = SweepDocument.Parse(doc.ToBytes(), "spec.json");
        Assert.Equal(doc.ToBytes(), back.ToBytes());
        Assert.Equal(doc.Cells, back.Cells);
        Assert.Equal((doc.SweepId, 2, 5L, 2), (back.SweepId, back.SeedsPerJob, back.CheckpointEvery, back.MaxFailures));
        Assert.True(back.UseGroundTruth);
    }

    // each case: a replacement in the tiny sweep, and words the one-line error must contain
    public static TheoryData<string, string, string> Mistakes => new()
    {
        { "steps: 20", "steps: 20\n  stepz: 30", "stepz" },
        { "architecture: topk", "architecture: gatd", $"grid[0].architecture must be {SaeArchitectures.NameList} (got 'gatd')" },
        { "architecture: topk", "architecture: relu", $"k applies to architecture {SaeArchitectures.NamesUsing(SaeSettings.K)} only" },
        { "architecture: topk", "architecture: batchtopk\n    l1: [0.1]", "l1 applies to architecture relu or gated only" },
        { "k: [2]", "k: [17]", "k must be between 1 and latents = 16 (got 17)" },
        { "k: [2]", "k: [2, 2]", "lists the cell topk-w16-k2-s20-" },
        { "dataset:\n  synthetic: {features: 16, dim: 8, rows: 2048, active: 3, seed: 3}\n  shard_rows: 1024\n", "", "dataset needs exactly one of synthetic" },
        { "shard_rows: 1024", "shard_rows: 1024\n  path: data.npy", "dataset needs exactly one of synthetic" },
        { "threshold: 0.7", "threshold: -0.1", "comparison.threshold must be between 0 and 1 (got -0.1)" },
        { "workers: 1", "workers: 0", "resources.workers must be between 1 and 256 (got 0)" },
        { "seeds: 2", "seeds: 1", "seeds must be a count between 2 and 1000" },
        { "seeds: 2", "seeds: [4, 4]", "seeds must list at least two different seeds" },
        { "seeds: 2", "seeds: [1, -2]", "seeds must be non-negative integers (got '-2')" },
        { "max_failures: 2", "max_failures: 0", "resources.max_failures must be between 1 and 100 (got 0)" },
        { "lease_seconds: 30", "lease_seconds: 0.5", "resources.lease_seconds must be between 1 and 86400" },
        { "checkpoint_every: 5", "checkpoint_every: 0", "training.checkpoint_every must be >= 1 (got 0)" },
        { "name: tiny", "name: 'a b'", "name must be 1-64 letters" },
        { "  steps: 20\n", "", "no steps (set training.steps or the entry's steps)" },
        { "k: [2]", "k: [2]\n    l1: [0.1]", "l1 applies to architecture relu or gated only" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Parse_Mistake_OneLineInputErrorNamingTheSetting(string find, string replace, string expected)
    {
        Assert.Contains(find, TinySweep.Yaml, StringComparison.Ordinal);
        string yaml = TinySweep.Yaml.Replace(find, replace, StringComparison.Ordinal);
        var e = Assert.Throws<SaeInputException>(() => TinySweep.Parse(yaml));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("tiny.yaml: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("lots", "comparison.memory_budget must be a size like 8GiB, 512MiB, 2GB or a number of bytes (got 'lots').")]
    [InlineData("0", "comparison.memory_budget must be at least 1 byte and less than 8 EiB (got '0').")]
    public void Parse_BadMemoryBudget_OneLineInputErrorNamingTheSetting(string budget, string expected)
    {
        var e = Assert.Throws<SaeInputException>(() => TinySweep.Parse(TinySweep.Yaml.Replace("memory_budget: 64MiB", $"memory_budget: '{budget}'", StringComparison.Ordinal)));
        Assert.EndsWith(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Parse_BadMemoryBudget_ErrorNamesTheFile() =>
        Assert.StartsWith("tiny.yaml: ", Assert.Throws<SaeInputException>(() => TinySweep.Parse(TinySweep.Yaml.Replace("memory_budget: 64MiB", "memory_budget: lots", StringComparison.Ordinal))).Message,
            StringComparison.Ordinal);

    [Fact]
    public void Parse_BadLrDecay_PrefixOnce()
    {
        var e = Assert.Throws<SaeInputException>(() => TinySweep.Parse(TinySweep.Yaml.Replace("lr_warmup_steps: 0", "lr_warmup_steps: 0\n  lr_decay: cosine", StringComparison.Ordinal)));
        Assert.Equal("tiny.yaml: grid[0]: training.lr_decay must be linear or none (got 'cosine').", e.Message);
    }

    [Fact]
    public void Parse_Empty_InputError() =>
        Assert.Contains("the sweep file is empty", Assert.Throws<SaeInputException>(() => TinySweep.Parse("")).Message, StringComparison.Ordinal);

    [Fact]
    public void Parse_BrokenYaml_InputErrorWithLine()
    {
        var e = Assert.Throws<SaeInputException>(() => TinySweep.Parse("name: [unclosed\nseeds: 2\n"));
        Assert.Matches(@"^tiny\.yaml: line \d+: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Read_MissingFile_InputError()
    {
        string path = Path.Combine(Path.GetTempPath(), "sae-no-such-" + Guid.NewGuid().ToString("N"), "sweep.yaml");
        Assert.Contains("no such sweep file", Assert.Throws<SaeInputException>(() => SweepSpecReader.Read(path)).Message, StringComparison.Ordinal);
    }
}
