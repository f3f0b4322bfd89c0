namespace Sae.Core.Tests;

public class SaeArchitecturesTests
{
    [Fact]
    public void All_EveryEnumValue_RegisteredOnceWithUniqueNames()
    {
        Assert.Equal(Enum.GetValues<SaeArchitecture>().Order(), SaeArchitectures.All.Select(a => a.Id).Order());
        Assert.Equal(SaeArchitectures.All.Count, SaeArchitectures.All.Select(a => a.Name).Distinct().Count());
    }

    [Fact]
    public void FromName_EveryName_FindsItsArchitecture()
    {
        foreach (var a in SaeArchitectures.All)
        {
            Assert.Same(a, SaeArchitectures.FromName(a.Name));
            Assert.Same(a, SaeArchitectures.FromFileName(a.SparsifyActivation));
            if (!a.SavedAsOther)
                Assert.Same(a, SaeArchitectures.FromFileName(a.SaeLensArchitecture));
        }
        // SAELens' "jumprelu" is JumpReLU; BatchTopK and Matryoshka saved as jumprelu say so in their metadata
        Assert.Same(SaeArchitectures.JumpReLU, SaeArchitectures.FromFileName("jumprelu"));
        Assert.Null(SaeArchitectures.FromName("standard"));
    }

    [Fact]
    public void CreateModel_EveryArchitecture_BuildsAModelForTheConfig()
    {
        foreach (var a in SaeArchitectures.All)
        {
            var config = new SaeConfig(a.Id, dimension: 6, latents: 10, k: 2);
            Assert.Same(config, a.CreateModel(config).Config);
            Assert.True(a.DefaultLearningRate(config) > 0);
        }
    }

    [Fact]
    public void NameList_EveryArchitecture_ReadsAsAList()
    {
        Assert.Equal("topk, relu, batchtopk, abstopk, jumprelu, gated or matryoshka", SaeArchitectures.NameList);
        Assert.Equal("topk or abstopk", SaeArchitectures.NamesUsing(SaeSettings.MultiTopK));
        Assert.Equal("topk, batchtopk, abstopk or matryoshka", SaeArchitectures.NamesUsing(SaeSettings.AuxK));
        Assert.Equal("relu or gated", SaeArchitectures.NamesUsing(SaeSettings.L1));
    }

    [Fact]
    public void Constructor_MultiTopKOnRelu_NamesTheArchitecturesThatTakeIt()
    {
        var e = Assert.Throws<SaeInputException>(() => new SaeConfig(SaeArchitecture.ReluL1, 6, 10, multiTopK: true));
        Assert.Equal("--multi-topk applies to --arch topk or abstopk only.", e.Message);
    }
}
