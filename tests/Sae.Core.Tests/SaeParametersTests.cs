namespace Sae.Core.Tests;

public class SaeParametersTests
{
    private static readonly SaeExtraTensor[] Extras = [new("threshold", Trained: false), new("r_mag", Trained: true)];

    [Fact]
    public void Constructor_NoExtras_TheFourTensorsAllTrained()
    {
        var p = new SaeParameters(5, 3);
        Assert.Equal(SaeParameters.Names, p.TensorNames);
        Assert.Equal(p.Tensors, p.TrainedTensors);
        Assert.Equal(new long[] { 5, 3 }, p.Shape(0));
        Assert.Equal(new long[] { 3 }, p.Shape(3));
    }

    [Fact]
    public void Constructor_Extras_FollowTheFourAndOnlyTrainedOnesAreTrained()
    {
        var p = new SaeParameters(5, 3, Extras);
        Assert.Equal(["encoder.weight", "encoder.bias", "W_dec", "b_dec", "threshold", "r_mag"], p.TensorNames);
        Assert.Equal(6, p.Tensors.Count);
        Assert.Equal(5, p.TrainedTensors.Count);
        Assert.Same(p.Extra("r_mag"), p.TrainedTensors[4]);
        Assert.Same(p.Extra("threshold"), p.Tensors[4]);
        Assert.Equal(new long[] { 5 }, p.Shape(5));
        Assert.Throws<KeyNotFoundException>(() => p.Extra("b_gate"));
    }

    [Fact]
    public void Clone_Extras_CopiedDeeply()
    {
        var p = new SaeParameters(4, 2, Extras);
        p.Extra("threshold")[2] = 0.5f;
        p.DecoderBias[1] = 3f;
        var copy = p.Clone();
        Assert.Equal(p.TensorNames, copy.TensorNames);
        Assert.Equal(0.5f, copy.Extra("threshold")[2]);
        Assert.Equal(3f, copy.DecoderBias[1]);
        Assert.NotSame(p.Extra("threshold"), copy.Extra("threshold"));
    }

    [Fact]
    public void Constructor_ExtraNamedLikeACoreTensor_Throws() =>
        Assert.Throws<ArgumentException>(() => new SaeParameters(4, 2, [new SaeExtraTensor("W_dec", true)]));

    [Fact]
    public void Save_ExtrasTheArchitectureDoesNotHave_Throws()
    {
        using var dir = new TempDir();
        Assert.Throws<ArgumentException>(() => SaeFiles.Save(dir.Path, new SaeConfig(SaeArchitecture.TopK, 2, 4, k: 1), new SaeParameters(4, 2, Extras), SaeFileLayout.Sparsify));
    }
}
