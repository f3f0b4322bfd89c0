namespace Sae.Core;

// placeholder while the Gated model is written (see SaeArchitectures.Gated)
internal sealed class GatedModel(SaeConfig config) : ISaeModel
{
    public SaeConfig Config { get; } = config;

    public void Initialize(SaeParameters p, ulong seed, ReadOnlySpan<float> firstBatch, int rows, int threads) => throw new NotImplementedException();

    public StepLoss ForwardBackward(SaeParameters p, ReadOnlySpan<float> x, int rows, long step, SaeParameters grad, Span<long> fires,
        ReadOnlySpan<long> tokensSinceFired, int threads) => throw new NotImplementedException();

    public void ConstrainGradient(SaeParameters p, SaeParameters grad, int threads) => throw new NotImplementedException();

    public void Encode(SaeParameters p, ReadOnlySpan<float> x, int rows, Span<float> activations, int threads) => throw new NotImplementedException();

    public void ConstrainParameters(SaeParameters p, int threads) => throw new NotImplementedException();
}
