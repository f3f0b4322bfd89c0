namespace Sae.Core;

/// <summary>One file of an activation source: its [rows, d] tensor and the open file that owns the handle.</summary>
internal sealed class ActivationShard : IDisposable
{
    private readonly IDisposable owner;

    public ActivationShard(TensorRegion region, IDisposable owner)
    {
        Region = region;
        this.owner = owner;
    }

    /// <summary>The rows of this shard.</summary>
    public TensorRegion Region { get; }

    /// <summary>Opens a .npy or .safetensors file as a shard; <paramref name="tensorName"/> picks a safetensors tensor (ignored for .npy).</summary>
    /// <exception cref="SaeInputException">The file is invalid, not 2-D, or the tensor is missing or ambiguous.</exception>
    public static ActivationShard Open(string path, string? tensorName)
    {
        if (IsNpy(path))
        {
            var npy = NpyFile.Open(path);
            return Own(npy, () => npy.Rows());
        }
        var st = SafeTensorsFile.Open(path);
        return Own(st, () => st.Rows(tensorName ?? OnlyTensor(st)));
    }

    /// <summary>Whether a file name is a shard this reader understands.</summary>
    public static bool IsShardFile(string path) => IsNpy(path) || path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public void Dispose() => owner.Dispose();

    private static bool IsNpy(string path) => path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase);

    private static string OnlyTensor(SafeTensorsFile file) => file.Tensors.Count switch
    {
        1 => file.Tensors[0].Name,
        0 => throw new SaeInputException($"{file.Path}: holds no tensors."),
        _ => throw new SaeInputException($"{file.Path}: holds {file.Tensors.Count} tensors ({file.NameList()}); name the one to read (--tensor)."),
    };

    private static ActivationShard Own(IDisposable file, Func<TensorRegion> region)
    {
        try
        {
            return new ActivationShard(region(), file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
