namespace Sae.Cluster;

/// <summary>
/// Names shared by the code, the container build (deploy/) and the Kubernetes manifests (k8s/); a test checks
/// that the manifests agree with these.
/// </summary>
public static class ClusterNames
{
    /// <summary>Environment variable with the store: a directory path or an Azure Storage connection string (a secret).</summary>
    public const string StoreVariable = "SAE_STORE";

    /// <summary>Environment variable with a worker's scratch and shard-cache directory.</summary>
    public const string WorkVariable = "SAE_WORK";

    /// <summary>The blob container holding the store on Azure.</summary>
    public const string BlobContainer = "sae";

    /// <summary>The Azure queue of training jobs (WorkMessage kind "train").</summary>
    public const string TrainQueue = "sae-train";

    /// <summary>The Azure queue of comparisons (WorkMessage kind "compare").</summary>
    public const string CompareQueue = "sae-compare";

    /// <summary>The one ActivitySource and Meter of the product.</summary>
    public const string TelemetryName = "Orleans.Sae";

    /// <summary>The container image (deploy/Dockerfile).</summary>
    public const string Image = "orleans-sae";

    /// <summary>The Kubernetes namespace (k8s/namespace.yaml).</summary>
    public const string Namespace = "orleans-sae";

    /// <summary>Value of the app.kubernetes.io/name label on everything deployed.</summary>
    public const string AppLabel = "orleans-sae";

    /// <summary>The Secret holding SAE_STORE (k8s/secret.template.yaml).</summary>
    public const string StoreSecret = "sae-store";
}
