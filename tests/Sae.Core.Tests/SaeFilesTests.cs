namespace Sae.Core.Tests;

public class SaeFilesTests
{
    private static SaeParameters Random(int n, int d, int seed)
    {
        var p = new SaeParameters(n, d);
        var rng = new Random(seed);
        foreach (var t in p.Tensors)
            for (int i = 0; i < t.Length; i++) t[i] = (float)(rng.NextDouble() * 2 - 1);
        return p;
    }

    [Theory]
    [InlineData(SaeFileLayout.Sparsify, "sae.safetensors")]
    [InlineData(SaeFileLayout.SaeLens, "sae_weights.safetensors")]
    public void SaveLoad_BothLayouts_RoundTripExactlyAndDetectLayout(SaeFileLayout layout, string weights)
    {
        using var dir = new TempDir();
        var config = new SaeConfig(SaeArchitecture.TopK, 7, 13, k: 3);
        var p = Random(13, 7, 1);
        SaeFiles.Save(dir.Path, config, p, layout);
        Assert.True(File.Exists(dir.File(weights)));
        foreach (var path in new[] { dir.Path, dir.File(weights) })
        {
            var loaded = SaeFiles.Load(path);
            Assert.Equal(layout, loaded.Layout);
            Assert.Equal(SaeArchitecture.TopK, loaded.Architecture);
            Assert.Equal(3, loaded.K);
            for (int t = 0; t < 4; t++)
                Assert.Equal(p.Tensors[t], loaded.Parameters.Tensors[t]);
        }
    }

    [Theory]
    [InlineData(SaeFileLayout.Sparsify, "sae.safetensors", "\"activation\": \"batchtopk\"")]
    [InlineData(SaeFileLayout.SaeLens, "sae_weights.safetensors", "\"architecture\": \"jumprelu\"")]
    public void SaveLoad_BatchTopK_ThresholdRoundTripsInBothLayouts(SaeFileLayout layout, string weights, string cfgLine)
    {
        using var dir = new TempDir();
        var config = new SaeConfig(SaeArchitecture.BatchTopK, 7, 13, k: 3);
        var p = new SaeParameters(13, 7, config.Spec.ExtraTensors);
        var rng = new Random(4);
        foreach (var t in p.Tensors)
            for (int i = 0; i < t.Length; i++) t[i] = (float)rng.NextDouble();
        SaeFiles.Save(dir.Path, config, p, layout);
        using (var file = SafeTensorsFile.Open(dir.File(weights)))
            Assert.Equal(new long[] { 13 }, file.GetTensor("threshold").Shape);
        var cfg = File.ReadAllText(dir.File("cfg.json"));
        Assert.Contains(cfgLine, cfg, StringComparison.Ordinal);
        if (layout == SaeFileLayout.SaeLens)
            Assert.Contains("\"training_architecture\": \"batchtopk\"", cfg, StringComparison.Ordinal);
        var loaded = SaeFiles.Load(dir.Path);
        Assert.Equal(SaeArchitecture.BatchTopK, loaded.Architecture);
        Assert.Equal(3, loaded.K);
        Assert.Equal(p.TensorNames, loaded.Parameters.TensorNames);
        for (int t = 0; t < p.Tensors.Count; t++)
            Assert.Equal(p.Tensors[t], loaded.Parameters.Tensors[t]);
    }

    [Theory]
    [InlineData(SaeFileLayout.Sparsify, "sae.safetensors", "activation", "matryoshka_batchtopk")]
    [InlineData(SaeFileLayout.SaeLens, "sae_weights.safetensors", "architecture", "jumprelu")]
    public void SaveLoad_Matryoshka_ThresholdAndGroupsRoundTripInBothLayouts(SaeFileLayout layout, string weights, string key, string name)
    {
        using var dir = new TempDir();
        var config = new SaeConfig(SaeArchitecture.MatryoshkaBatchTopK, 7, 13, k: 3, groups: [3, 4, 6]);
        var p = new SaeParameters(13, 7, config.Spec.ExtraTensors);
        var rng = new Random(9);
        foreach (var t in p.Tensors)
            for (int i = 0; i < t.Length; i++) t[i] = (float)rng.NextDouble();
        SaeFiles.Save(dir.Path, config, p, layout);
        using (var file = SafeTensorsFile.Open(dir.File(weights)))
            Assert.Equal(new long[] { 13 }, file.GetTensor("threshold").Shape);
        var cfg = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(dir.File("cfg.json")))!;
        Assert.Equal(name, cfg[key]!.GetValue<string>());
        Assert.Equal([3, 4, 6], cfg["group_sizes"]!.AsArray().Select(g => g!.GetValue<int>()));
        if (layout == SaeFileLayout.SaeLens)
            Assert.Equal("matryoshka_batchtopk", cfg["metadata"]!["training_architecture"]!.GetValue<string>());
        var loaded = SaeFiles.Load(dir.Path);
        Assert.Equal((SaeArchitecture.MatryoshkaBatchTopK, 3, layout), (loaded.Architecture, loaded.K, loaded.Layout));
        Assert.Equal(p.TensorNames, loaded.Parameters.TensorNames);
        for (int t = 0; t < p.Tensors.Count; t++)
            Assert.Equal(p.Tensors[t], loaded.Parameters.Tensors[t]);
    }

    [Theory]
    [InlineData(SaeFileLayout.Sparsify, "\"activation\": \"abstopk\"")]
    [InlineData(SaeFileLayout.SaeLens, "\"architecture\": \"abstopk\"")]
    public void SaveLoad_AbsTopK_RoundTripsAndIsDetected(SaeFileLayout layout, string cfgLine)
    {
        using var dir = new TempDir();
        var p = Random(13, 7, 6);
        SaeFiles.Save(dir.Path, new SaeConfig(SaeArchitecture.AbsTopK, 7, 13, k: 3), p, layout);
        Assert.Contains(cfgLine, File.ReadAllText(dir.File("cfg.json")), StringComparison.Ordinal);
        var loaded = SaeFiles.Load(dir.Path);
        Assert.Equal((SaeArchitecture.AbsTopK, 3, layout), (loaded.Architecture, loaded.K, loaded.Layout));
        for (int t = 0; t < 4; t++)
            Assert.Equal(p.Tensors[t], loaded.Parameters.Tensors[t]);
    }

    [Fact]
    public void Load_BatchTopKWithoutThreshold_OneLineErrorNamingTheTensor()
    {
        using var dir = new TempDir();
        SaeFiles.Save(dir.Path, new SaeConfig(SaeArchitecture.TopK, 3, 5, k: 2), Random(5, 3, 3), SaeFileLayout.Sparsify);
        File.WriteAllText(dir.File("cfg.json"), File.ReadAllText(dir.File("cfg.json")).Replace("\"topk\"", "\"batchtopk\"", StringComparison.Ordinal));
        var e = Assert.Throws<SaeInputException>(() => SaeFiles.Load(dir.Path));
        Assert.Contains("tensor threshold is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_SaeLensLayout_StoresEncoderTransposed()
    {
        using var dir = new TempDir();
        var p = Random(5, 3, 2);
        SaeFiles.Save(dir.Path, new SaeConfig(SaeArchitecture.ReluL1, 3, 5), p, SaeFileLayout.SaeLens);
        using var file = SafeTensorsFile.Open(dir.File("sae_weights.safetensors"));
        Assert.Equal(new long[] { 3, 5 }, file.GetTensor("W_enc").Shape);
        var wEnc = file.ReadFloat32("W_enc");
        Assert.Equal(p.EncoderWeight[1 * 3 + 2], wEnc[2 * 5 + 1]);
        var cfg = File.ReadAllText(dir.File("cfg.json"));
        Assert.Contains("\"architecture\": \"standard\"", cfg, StringComparison.Ordinal);
        Assert.Contains("\"d_sae\": 5", cfg, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingTensor_OneLineErrorNamingFileAndTensor()
    {
        using var dir = new TempDir();
        new SafeTensorsWriter().AddFloat32("encoder.weight", new float[6], 2, 3).AddFloat32("W_dec", new float[6], 2, 3)
            .AddFloat32("b_dec", new float[3], 3).Write(dir.File("sae.safetensors"));
        var e = Assert.Throws<SaeInputException>(() => SaeFiles.Load(dir.Path));
        Assert.Contains("sae.safetensors: tensor encoder.bias is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongDecoderShape_OneLineError()
    {
        using var dir = new TempDir();
        new SafeTensorsWriter().AddFloat32("encoder.weight", new float[6], 2, 3).AddFloat32("encoder.bias", new float[2], 2)
            .AddFloat32("W_dec", new float[6], 3, 2).AddFloat32("b_dec", new float[3], 3).Write(dir.File("sae.safetensors"));
        var e = Assert.Throws<SaeInputException>(() => SaeFiles.Load(dir.Path));
        Assert.Contains("W_dec has shape [3, 2], expected [2, 3]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyDirectory_SaysWhatIsMissing()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<SaeInputException>(() => SaeFiles.Load(dir.Path));
        Assert.Contains("no sae.safetensors (sparsify) or sae_weights.safetensors (SAELens)", e.Message, StringComparison.Ordinal);
    }
}
