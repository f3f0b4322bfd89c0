using System.Numerics.Tensors;
using Sae.Numerics;

namespace Sae.Core;

/// <summary>
/// One sparse reconstruction of a TopK SAE and its backward: out = Σ_j v[b,j]·W_dec[idx[b,j]] + b_dec
/// for a selection (values, indices) [rows, width]. The main top-k, sparsify's Multi-TopK (top 4k)
/// and AuxK (dead latents) are each one of these; their gradients add into the same tensors in a
/// fixed order, so the step stays deterministic.
/// </summary>
internal sealed class SparseTerm
{
    private readonly int _n, _d;
    private readonly float[] _zeros;
    private float[] _gradValues = [];

    public SparseTerm(int n, int d) => (_n, _d, _zeros) = (n, d, new float[d]);

    public float[] Values { get; private set; } = [];

    public int[] Indices { get; private set; } = [];

    /// <summary>The reconstruction, later overwritten by the gradient G of the loss with respect to it: [rows, d].</summary>
    public float[] Output { get; private set; } = [];

    public SparseWorkspace Workspace { get; } = new();

    public int Width { get; private set; }

    /// <summary>
    /// AbsTopK: the values are signed pre-activations (no relu), so every selected slot passes
    /// gradient to the encoder; otherwise only slots with value &gt; 0 do (relu's mask).
    /// </summary>
    public bool Signed { get; init; }

    /// <summary>
    /// True (the default): out includes b_dec and <see cref="Backward"/> gives b_dec its gradient.
    /// False for a term that is one part of a larger reconstruction (Matryoshka's groups after the
    /// first): out = Σ v·W_dec[idx] alone, and the term holding b_dec accounts for it.
    /// </summary>
    public bool AddsBias { get; init; } = true;

    public void Ensure(int rows, int width)
    {
        Width = width;
        if (Values.Length < rows * width)
        {
            Values = new float[rows * width];
            Indices = new int[rows * width];
            _gradValues = new float[rows * width];
        }
        if (Output.Length < rows * _d)
            Output = new float[rows * _d];
    }

    /// <summary>Output = decode(Values, Indices) + b_dec (without b_dec when not <see cref="AddsBias"/>).</summary>
    public void Decode(SaeParameters p, int rows, int threads) =>
        SparseOps.Decode(Values.AsSpan(0, rows * Width), Indices.AsSpan(0, rows * Width), p.DecoderWeight, AddsBias ? p.DecoderBias : _zeros,
            rows, Width, _n, _d, Output.AsSpan(0, rows * _d), threads);

    /// <summary>
    /// With Output holding G = ∂loss/∂out: ∂b_dec += Σ_b G (when <see cref="AddsBias"/>); ∂W_dec[idx] += v·G; then the encoder,
    /// ∂W_enc[idx] += ∂pre·xc and ∂b_enc[idx] += ∂pre with ∂pre = G·W_dec[idx] where v &gt; 0 (relu),
    /// or at every slot when <see cref="Signed"/>.
    /// </summary>
    public void Backward(SaeParameters p, SaeParameters grad, ReadOnlySpan<float> xc, int rows, int threads)
    {
        int slots = rows * Width;
        Span<float> g = Output.AsSpan(0, rows * _d), gv = _gradValues.AsSpan(0, slots);
        ReadOnlySpan<float> values = Values.AsSpan(0, slots);
        if (AddsBias)
            BatchMath.AddColumnSums(g, rows, grad.DecoderBias);
        SparseOps.GatherDot(g, Indices.AsSpan(0, slots), p.DecoderWeight, rows, Width, _n, _d, gv, threads);
        Workspace.Build(Indices.AsSpan(0, slots), rows, Width, _n);
        SparseOps.ScatterAddRows(values, g, _d, grad.DecoderWeight, [], Workspace, threads);
        if (!Signed)
        {
            for (int i = 0; i < slots; i++)
            {
                if (!(values[i] > 0f))
                    gv[i] = 0f;
            }
        }
        SparseOps.ScatterAddRows(gv, xc, _d, grad.EncoderWeight, grad.EncoderBias, Workspace, threads);
    }

    /// <summary>Output −= target (a residual) or Output += target (AuxK, Matryoshka's cumulative levels) in place; returns Σ Output².</summary>
    public double ResidualAgainst(ReadOnlySpan<float> target, int rows, bool add)
    {
        var o = Output.AsSpan(0, rows * _d);
        if (add)
            TensorPrimitives.Add(o, target, o);
        else
            TensorPrimitives.Subtract(o, target, o);
        return GradientClip.SumOfSquares(o);
    }

    /// <summary>Output *= factor.</summary>
    public void Scale(int rows, float factor) => TensorPrimitives.Multiply(Output.AsSpan(0, rows * _d), factor, Output.AsSpan(0, rows * _d));
}
