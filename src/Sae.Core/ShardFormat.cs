namespace Sae.Core;

/// <summary>File format of written activation shards.</summary>
internal enum ShardFormat
{
    /// <summary>safetensors with one F32 tensor "activations" [rows, d].</summary>
    SafeTensors,

    /// <summary>NumPy .npy, '&lt;f4', [rows, d].</summary>
    Npy,
}
