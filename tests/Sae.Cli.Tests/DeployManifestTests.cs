using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sae.Cli.Commands;
using Sae.Cluster;
using Sae.Core;
using YamlDotNet.RepresentationModel;

namespace Sae.Cli.Tests;

/// <summary>
/// The container build (deploy/) and the Kubernetes manifests (k8s/) checked against the names the code uses
/// (<see cref="ClusterNames"/>, <see cref="WorkMessage"/>, the `sae worker` command itself). Parsed only: no docker daemon
/// and no cluster exist in CI, so nothing here proves that an image builds or a pod starts. Each test collects
/// every problem it finds, each naming its file and object, and fails once with all of them.
/// </summary>
public sealed partial class DeployManifestTests
{
    private static readonly string Root = FindRoot();
    private static readonly Lazy<IReadOnlyList<YamlFile>> All = new(() => YamlPaths().Select(Load).ToList());

    /// <summary>Environment a sae container may set: ours, the standard OTel SDK ones, and the OpenTelemetry operator's pod/node helpers.</summary>
    private static readonly HashSet<string> AllowedEnvironment =
    [
        ClusterNames.StoreVariable, ClusterNames.WorkVariable,
        "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES",
        "OTEL_RESOURCE_ATTRIBUTES_POD_NAME", "OTEL_RESOURCE_ATTRIBUTES_NODE_NAME",
    ];

    private static readonly string[] RequiredEnvironment = [ClusterNames.StoreVariable, ClusterNames.WorkVariable, "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME"];

    /// <summary>Azurite's well-known development account key: public, opens only the emulator.</summary>
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static TheoryData<string> YamlFiles() => new(YamlPaths());

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void Parse_EachYamlFile_LoadsAsMappings(string path)
    {
        var file = Load(path);
        Assert.True(file.Documents.Count > 0, $"{path}: no YAML document");
    }

    [Fact]
    public void Manifests_ExpectedFiles_ArePresent()
    {
        string[] expected =
        [
            "deploy/Dockerfile", "deploy/build.sh", "deploy/compose.yaml", "deploy/otel-collector.yaml", ".dockerignore",
            "k8s/namespace.yaml", "k8s/secret.template.yaml", "k8s/train-worker.yaml", "k8s/compare-worker.yaml",
            "k8s/keda-scaledobjects.yaml", "k8s/kustomization.yaml", "k8s/dev/azurite.yaml", "k8s/dev/otel-collector.yaml",
        ];
        var missing = expected.Where(p => !File.Exists(Path.Combine(Root, p))).ToList();
        Assert.True(missing.Count == 0, "missing: " + string.Join(", ", missing));
    }

    [Fact]
    public void K8sObjects_Metadata_InProductNamespaceWithAppLabel()
    {
        var problems = new List<string>();
        foreach (var o in Objects())
        {
            if (o.Kind == "Namespace")
                Check(problems, o.Name == ClusterNames.Namespace, $"{o}: the namespace must be named {ClusterNames.Namespace}");
            else
                Check(problems, o.Namespace == ClusterNames.Namespace, $"{o}: metadata.namespace is '{o.Namespace}', not {ClusterNames.Namespace}");
            Check(problems, Text(o.Node, "metadata", "labels", NameLabel) == ClusterNames.AppLabel, $"{o}: label {NameLabel} is not {ClusterNames.AppLabel}");
            if (Get(o.Node, "spec", "template") is { } template)
                Check(problems, Text(template, "metadata", "labels", NameLabel) == ClusterNames.AppLabel, $"{o}: pod template label {NameLabel} is not {ClusterNames.AppLabel}");
        }
        Check(problems, Objects().Any(o => o.Kind == "Namespace"), "k8s/: no Namespace object");
        AssertNone(problems);
    }

    [Fact]
    public void Deployments_Selectors_MatchTheirPodsAndServices()
    {
        var problems = new List<string>();
        var deployments = Objects().Where(o => o.Kind == "Deployment").ToList();
        foreach (var d in deployments)
        {
            var selector = Map(d.Node, "spec", "selector", "matchLabels");
            Check(problems, selector.Count > 0, $"{d}: empty selector");
            Check(problems, Matches(selector, Map(d.Node, "spec", "template", "metadata", "labels")), $"{d}: selector does not match the pod template's labels");
        }
        foreach (var s in Objects().Where(o => o.Kind == "Service"))
        {
            var selector = Map(s.Node, "spec", "selector");
            Check(problems, deployments.Any(d => d.Namespace == s.Namespace && Matches(selector, Map(d.Node, "spec", "template", "metadata", "labels"))),
                $"{s}: selects no Deployment's pods");
        }
        AssertNone(problems);
    }

    [Fact]
    public void WorkerContainers_ImageAndArgs_RunSaeWorkerOnKnownQueues()
    {
        var problems = new List<string>();
        var workers = K8sWorkers(problems);
        foreach (var w in workers)
        {
            Check(problems, IsSaeImage(w.Image), $"{w.Where}: image '{w.Image}' is not {ClusterNames.Image}[:tag]");
            Check(problems, Get(w.Container, "command") is null, $"{w.Where}: sets command, which would replace the image's ENTRYPOINT /app/sae");
        }
        // every container that runs the sae image is a worker
        foreach (var (where, container) in Containers().Where(c => IsSaeImage(Text(c.Container, "image"))))
            Check(problems, Strings(container, "args").FirstOrDefault() == "worker", $"{where}: runs {ClusterNames.Image} but not `sae worker`");
        Check(problems, workers.Any(w => w.Args.Queues.SequenceEqual([WorkMessage.Train])), "k8s/: no worker serving only the train queue");
        Check(problems, workers.Any(w => w.Args.Queues.SequenceEqual([WorkMessage.Compare])), "k8s/: no worker serving only the compare queue");
        AssertNone(problems);
    }

    [Fact]
    public void WorkerContainers_Environment_UsesClusterNamesAndStandardOtelNames()
    {
        var problems = new List<string>();
        foreach (var w in K8sWorkers(problems))
        {
            var env = Items(w.Container, "env").ToList();
            var names = env.Select(e => Text(e, "name") ?? "").ToList();
            CheckEnvironmentNames(problems, w.Where, names);
            for (int i = 0; i < env.Count; i++)
            {
                // $(VAR) expands only variables defined earlier in the list
                foreach (Match m in VariableReference().Matches(Text(env[i], "value") ?? ""))
                    Check(problems, names.Take(i).Contains(m.Groups[1].Value), $"{w.Where}: {names[i]} uses $({m.Groups[1].Value}) before it is defined");
            }
            var store = env.FirstOrDefault(e => Text(e, "name") == ClusterNames.StoreVariable);
            Check(problems, store is null || (Text(store, "valueFrom", "secretKeyRef", "name") == ClusterNames.StoreSecret && Text(store, "valueFrom", "secretKeyRef", "key") == ClusterNames.StoreVariable),
                $"{w.Where}: {ClusterNames.StoreVariable} must come from secret {ClusterNames.StoreSecret}, key {ClusterNames.StoreVariable} (it holds an account key)");
            string? endpoint = Text(env.FirstOrDefault(e => Text(e, "name") == "OTEL_EXPORTER_OTLP_ENDPOINT"), "value");
            CheckProtocol(problems, w.Where, Text(env.FirstOrDefault(e => Text(e, "name") == "OTEL_EXPORTER_OTLP_PROTOCOL"), "value"));
            Check(problems, endpoint is not null && ServiceExposes(endpoint, w.Namespace), $"{w.Where}: OTEL_EXPORTER_OTLP_ENDPOINT '{endpoint}' is no Service port in k8s/");
        }
        AssertNone(problems);
    }

    [Fact]
    public void WorkerContainers_CacheAndThreads_FitTheirVolumeAndCpu()
    {
        var problems = new List<string>();
        foreach (var w in K8sWorkers(problems))
        {
            string? work = Items(w.Container, "env").Where(e => Text(e, "name") == ClusterNames.WorkVariable).Select(e => Text(e, "value")).FirstOrDefault();
            string? volume = Items(w.Container, "volumeMounts").Where(m => Text(m, "mountPath") == work).Select(m => Text(m, "name")).FirstOrDefault();
            string? sizeLimit = Items(w.Pod, "volumes").Where(v => Text(v, "name") == volume).Select(v => Text(v, "emptyDir", "sizeLimit")).FirstOrDefault();
            Check(problems, sizeLimit is not null, $"{w.Where}: {ClusterNames.WorkVariable}='{work}' is not an emptyDir volume with a sizeLimit");
            if (sizeLimit is not null && w.Args.CacheBytes is { } cacheBytes)
                Check(problems, cacheBytes < Quantity(sizeLimit), $"{w.Where}: --cache-size {w.Args.CacheSize} does not fit the work volume's sizeLimit {sizeLimit} (the pod would be evicted)");
            string? cpu = Text(w.Container, "resources", "requests", "cpu");
            Check(problems, cpu is not null && w.Args.Threads is { } t && t <= Math.Ceiling(Quantity(cpu)), $"{w.Where}: --threads {w.Args.Threads} exceeds the CPU request {cpu}");
        }
        AssertNone(problems);
    }

    [Fact]
    public void WorkerPods_Gpu_TrainRequestsAndToleratesItCompareDoesNot()
    {
        var problems = new List<string>();
        foreach (var w in K8sWorkers(problems))
        {
            string? gpus = Text(w.Container, "resources", "limits", "nvidia.com/gpu");
            if (w.Args.Queues.Contains(WorkMessage.Train))
            {
                Check(problems, gpus is not null && Quantity(gpus) >= 1, $"{w.Where}: a train worker must limit nvidia.com/gpu to at least 1");
                Check(problems, Items(w.Pod, "tolerations").Any(t => Text(t, "key") == "nvidia.com/gpu" && Text(t, "effect") == "NoSchedule"), $"{w.Where}: no toleration for nvidia.com/gpu:NoSchedule");
                Check(problems, Map(w.Pod, "nodeSelector").Count > 0, $"{w.Where}: no nodeSelector for GPU nodes");
            }
            else
            {
                Check(problems, gpus is null, $"{w.Where}: serves no train queue but holds a GPU");
            }
        }
        AssertNone(problems);
    }

    [Fact]
    public void ScaledObjects_Triggers_WatchTheAzureQueueOfTheirTarget()
    {
        var problems = new List<string>();
        var workers = K8sWorkers(problems);
        var scaled = Objects().Where(o => o.Kind == "ScaledObject").ToList();
        var auths = Objects().Where(o => o.Kind == "TriggerAuthentication").ToList();
        foreach (var s in scaled)
        {
            string? target = Text(s.Node, "spec", "scaleTargetRef", "name");
            var worker = workers.FirstOrDefault(w => w.Deployment == target && w.Namespace == s.Namespace);
            Check(problems, worker is not null, $"{s}: scaleTargetRef '{target}' is no worker Deployment");
            Check(problems, Text(s.Node, "spec", "minReplicaCount") == "0", $"{s}: minReplicaCount must be 0 (no idle GPUs)");
            Check(problems, int.TryParse(Text(s.Node, "spec", "maxReplicaCount"), out int max) && max >= 1, $"{s}: maxReplicaCount must be at least 1");
            var triggers = Items(s.Node, "spec", "triggers").ToList();
            Check(problems, triggers.Count == 1, $"{s}: expected one trigger, found {triggers.Count}");
            foreach (var t in triggers)
            {
                Check(problems, Text(t, "type") == "azure-queue", $"{s}: trigger type '{Text(t, "type")}' is not azure-queue");
                string? queue = Text(t, "metadata", "queueName");
                if (worker is not null)
                    Check(problems, worker.Args.Queues.Count == 1 && queue == AzureQueue(worker.Args.Queues[0]), $"{s}: queueName '{queue}' is not the Azure queue of {target}'s --queues {string.Join(",", worker.Args.Queues)}");
                Check(problems, Text(t, "metadata", "queueLengthStrategy") == "all", $"{s}: queueLengthStrategy must be 'all' (in-flight messages are invisible; counting only visible ones scales busy workers away)");
                string? auth = Text(t, "authenticationRef", "name");
                var a = auths.FirstOrDefault(x => x.Name == auth && x.Namespace == s.Namespace);
                Check(problems, a is not null, $"{s}: authenticationRef '{auth}' is no TriggerAuthentication");
                if (a is not null)
                    Check(problems, Items(a.Node, "spec", "secretTargetRef").Any(r => Text(r, "parameter") == "connection" && Text(r, "name") == ClusterNames.StoreSecret && Text(r, "key") == ClusterNames.StoreVariable),
                        $"{a}: must map parameter 'connection' to secret {ClusterNames.StoreSecret} key {ClusterNames.StoreVariable}");
            }
        }
        foreach (var w in workers)
            Check(problems, scaled.Count(s => Text(s.Node, "spec", "scaleTargetRef", "name") == w.Deployment) == 1, $"{w.Where}: needs exactly one ScaledObject");
        var watched = scaled.SelectMany(s => Items(s.Node, "spec", "triggers")).Select(t => Text(t, "metadata", "queueName")).ToHashSet();
        Check(problems, watched.SetEquals([ClusterNames.TrainQueue, ClusterNames.CompareQueue]), $"k8s/keda-scaledobjects.yaml: queues watched [{string.Join(", ", watched)}], expected {ClusterNames.TrainQueue} and {ClusterNames.CompareQueue}");
        AssertNone(problems);
    }

    [Fact]
    public void Secrets_StoreSecret_TemplateHasStoreKeyAndIsTheOnlyOneReferenced()
    {
        var problems = new List<string>();
        var template = Objects().Where(o => o.File == "k8s/secret.template.yaml" && o.Kind == "Secret").ToList();
        Check(problems, template.Count == 1 && template[0].Name == ClusterNames.StoreSecret, $"k8s/secret.template.yaml: expected one Secret named {ClusterNames.StoreSecret}");
        foreach (var t in template)
        {
            string? value = Text(t.Node, "stringData", ClusterNames.StoreVariable) ?? Text(t.Node, "data", ClusterNames.StoreVariable);
            Check(problems, value is not null && value.Contains('<', StringComparison.Ordinal), $"{t}: {ClusterNames.StoreVariable} must be a <placeholder>, never a real connection string");
        }
        foreach (var (where, container) in Containers())
        {
            foreach (var e in Items(container, "env").Where(e => Get(e, "valueFrom", "secretKeyRef") is not null))
                Check(problems, Text(e, "valueFrom", "secretKeyRef", "name") == ClusterNames.StoreSecret && Text(e, "valueFrom", "secretKeyRef", "key") == ClusterNames.StoreVariable,
                    $"{where}: secretKeyRef {Text(e, "valueFrom", "secretKeyRef", "name")}/{Text(e, "valueFrom", "secretKeyRef", "key")} is not {ClusterNames.StoreSecret}/{ClusterNames.StoreVariable}");
        }
        foreach (var k in Kustomizations())
        {
            foreach (var g in Items(k.Node, "secretGenerator"))
            {
                var literals = Strings(g, "literals").ToList();
                Check(problems, Text(g, "name") == ClusterNames.StoreSecret && literals.Count == 1 && literals[0].StartsWith(ClusterNames.StoreVariable + "=", StringComparison.Ordinal),
                    $"{k.File}: secretGenerator must make {ClusterNames.StoreSecret} with the one key {ClusterNames.StoreVariable}");
                Check(problems, Text(g, "options", "disableNameSuffixHash") == "true", $"{k.File}: secretGenerator {Text(g, "name")} needs disableNameSuffixHash (pods and KEDA use the fixed name)");
                foreach (string literal in literals)
                    CheckStoreEndpoints(problems, k.File, literal, (host, port) => ServiceExposes($"http://{host}:{port}", ClusterNames.Namespace));
            }
        }
        AssertNone(problems);
    }

    [Fact]
    public void AllFiles_AccountKeys_OnlyAzuriteDevelopmentKey()
    {
        var problems = new List<string>();
        var files = new[] { "deploy", "k8s" }.SelectMany(d => Directory.EnumerateFiles(Path.Combine(Root, d), "*", SearchOption.AllDirectories)).ToList();
        foreach (string path in files)
        {
            foreach (Match m in AccountKey().Matches(File.ReadAllText(path)))
                Check(problems, m.Groups[1].Value is AzuriteKey or "<key>" or "..." or "…", $"{Relative(path)}: AccountKey '{m.Groups[1].Value[..Math.Min(6, m.Groups[1].Value.Length)]}…' is not Azurite's public development key — never commit a real key");
        }
        Check(problems, files.Count > 0, "deploy/, k8s/: no files");
        AssertNone(problems);
    }

    [Fact]
    public void Kustomizations_Resources_CoverEveryManifestButTheSecretTemplate()
    {
        var problems = new List<string>();
        var listed = new List<string>();
        foreach (var k in Kustomizations())
        {
            string dir = Path.GetDirectoryName(k.File)!.Replace('\\', '/');
            foreach (string r in Strings(k.Node, "resources"))
            {
                string path = $"{dir}/{r}";
                Check(problems, File.Exists(Path.Combine(Root, path)), $"{k.File}: resource {r} does not exist");
                listed.Add(path);
            }
        }
        Check(problems, !listed.Contains("k8s/secret.template.yaml"), "k8s/secret.template.yaml: listed in a kustomization, so applying it would overwrite the real Secret");
        foreach (string duplicate in listed.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => g.Key))
            problems.Add($"{duplicate}: listed by more than one kustomization");
        var manifests = All.Value.Select(f => f.Path).Where(p => p.StartsWith("k8s/", StringComparison.Ordinal) && !p.EndsWith("kustomization.yaml", StringComparison.Ordinal) && p != "k8s/secret.template.yaml");
        foreach (string m in manifests.Except(listed))
            problems.Add($"{m}: in no kustomization");
        var root = Kustomizations().Single(k => k.File == "k8s/kustomization.yaml");
        Check(problems, Items(root.Node, "images").Any(i => Text(i, "name") == ClusterNames.Image), $"k8s/kustomization.yaml: no images entry named {ClusterNames.Image} (the handle for `kustomize edit set image`)");
        AssertNone(problems);
    }

    [Fact]
    public void CollectorConfigs_Pipelines_UseDefinedComponentsAndReceiveOtlpGrpc()
    {
        var problems = new List<string>();
        var configs = new List<(string Where, YamlNode Config)> { ("deploy/otel-collector.yaml", File1("deploy/otel-collector.yaml")) };
        foreach (var c in Objects().Where(o => o.Kind == "ConfigMap"))
        {
            foreach (var (key, value) in Entries(c.Node, "data").Where(e => e.Key.EndsWith(".yaml", StringComparison.Ordinal)))
                configs.Add(($"{c} data.{key}", Parse(((YamlScalarNode)value).Value!, $"{c} data.{key}").Single()));
        }
        Check(problems, configs.Count >= 2, "k8s/dev/otel-collector.yaml: no collector ConfigMap");
        foreach (var (where, config) in configs)
        {
            var pipelines = Entries(config, "service", "pipelines").ToList();
            Check(problems, pipelines.Any(p => p.Key.StartsWith("traces", StringComparison.Ordinal)) && pipelines.Any(p => p.Key.StartsWith("metrics", StringComparison.Ordinal)), $"{where}: needs a traces and a metrics pipeline");
            foreach (var (name, pipeline) in pipelines)
            {
                foreach (string section in new[] { "receivers", "processors", "exporters" })
                {
                    foreach (string component in Strings(pipeline, section))
                        Check(problems, Get(config, section) is YamlMappingNode defined && defined.Children.ContainsKey(new YamlScalarNode(component)), $"{where}: pipeline {name} uses {section} '{component}', which is not defined");
                }
            }
            Check(problems, Text(config, "receivers", "otlp", "protocols", "grpc", "endpoint")?.EndsWith(":4317", StringComparison.Ordinal) == true, $"{where}: the otlp receiver must listen for gRPC on :4317 (the workers' OTEL_EXPORTER_OTLP_ENDPOINT)");
        }
        AssertNone(problems);
    }

    [Fact]
    public void Compose_Workers_MatchImageArgsEnvironmentAndServices()
    {
        var problems = new List<string>();
        const string Compose = "deploy/compose.yaml";
        var compose = File1(Compose);
        var services = Entries(compose, "services").ToDictionary(e => e.Key, e => e.Value);
        var queues = new HashSet<string>();
        int workers = 0;
        foreach (var (name, service) in services.Where(s => IsSaeImage(Text(s.Value, "image")) || Strings(s.Value, "command").FirstOrDefault() == "worker"))
        {
            string where = $"{Compose}: service {name}";
            Check(problems, IsSaeImage(Text(service, "image")), $"{where}: image '{Text(service, "image")}' is not {ClusterNames.Image}[:tag]");
            Check(problems, Get(service, "entrypoint") is null, $"{where}: sets entrypoint, replacing /app/sae");
            Check(problems, Text(service, "build", "context") is { } context && File.Exists(Path.Combine(Root, "deploy", context, Text(service, "build", "dockerfile") ?? "Dockerfile")), $"{where}: build does not name deploy/Dockerfile");
            var env = Entries(service, "environment").ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value ?? "");
            CheckEnvironmentNames(problems, where, env.Keys.ToList());
            CheckProtocol(problems, where, env.GetValueOrDefault("OTEL_EXPORTER_OTLP_PROTOCOL"));
            Check(problems, Uri.TryCreate(env.GetValueOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT"), UriKind.Absolute, out var otlp) && ComposeCollectorListens(services, otlp.Host, otlp.Port),
                $"{where}: OTEL_EXPORTER_OTLP_ENDPOINT '{env.GetValueOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT")}' is not a collector service's OTLP port");
            CheckStoreEndpoints(problems, where, env.GetValueOrDefault(ClusterNames.StoreVariable) ?? "", (host, port) => ComposeListens(services, host, port));
            var command = Strings(service, "command").ToList();
            if (command.FirstOrDefault() != "worker")
                continue;
            workers++;
            if (ParseWorker(command, where, problems) is { } args)
                queues.UnionWith(args.Queues);
        }
        Check(problems, workers >= 2, $"{Compose}: expected at least two worker services, found {workers}");
        Check(problems, queues.SetEquals([WorkMessage.Train, WorkMessage.Compare]), $"{Compose}: the workers serve [{string.Join(",", queues)}], expected train and compare");
        foreach (var (name, service) in services)
        {
            foreach (string dependency in Strings(service, "depends_on"))
                Check(problems, services.ContainsKey(dependency), $"{Compose}: service {name} depends on unknown service {dependency}");
            foreach (string volume in Strings(service, "volumes").Where(v => v.StartsWith('.')))
                Check(problems, Path.Exists(Path.Combine(Root, "deploy", volume.Split(':')[0])), $"{Compose}: service {name} mounts {volume.Split(':')[0]}, which does not exist");
        }
        AssertNone(problems);
    }

    [Fact]
    public void Dockerfile_Stages_PublishSelfContainedAndRunAppSaeAsNonRoot()
    {
        var problems = new List<string>();
        const string Dockerfile = "deploy/Dockerfile";
        var stages = DockerStages(Dockerfile);
        Check(problems, stages.Count == 2, $"{Dockerfile}: expected a build and a runtime stage, found {stages.Count}");
        var (buildImage, build) = stages[0];
        var (runtimeImage, runtime) = stages[^1];
        Check(problems, buildImage == "mcr.microsoft.com/dotnet/sdk:10.0", $"{Dockerfile}: build stage FROM {buildImage}");
        Check(problems, build.Any(i => i.Op == "RUN" && i.Args.EndsWith("dotnet publish src/Sae.Cli -c Release -r linux-x64 --self-contained true -o /out", StringComparison.Ordinal)),
            $"{Dockerfile}: build stage does not run `dotnet publish src/Sae.Cli -c Release -r linux-x64 --self-contained true -o /out`");
        Check(problems, runtimeImage == "mcr.microsoft.com/dotnet/runtime-deps:10.0", $"{Dockerfile}: runtime stage FROM {runtimeImage} (a self-contained app needs only runtime-deps)");
        Check(problems, runtime.Any(i => i.Op == "COPY" && i.Args.StartsWith("--from=build /out/ /app/", StringComparison.Ordinal)), $"{Dockerfile}: runtime stage does not copy /out to /app");
        string? user = runtime.LastOrDefault(i => i.Op == "USER").Args;
        Check(problems, user is not null && user is not ("root" or "0" or "0:0"), $"{Dockerfile}: runtime stage runs as '{user ?? "root"}'");
        Check(problems, JsonArray(runtime, "ENTRYPOINT") is ["/app/sae"], $"{Dockerfile}: ENTRYPOINT must be [\"/app/sae\"]");
        Check(problems, JsonArray(runtime, "CMD") is ["worker"], $"{Dockerfile}: CMD must be [\"worker\"]");
        string project = File.ReadAllText(Path.Combine(Root, "src/Sae.Cli/Sae.Cli.csproj"));
        Check(problems, project.Contains("<AssemblyName>sae</AssemblyName>", StringComparison.Ordinal), "src/Sae.Cli/Sae.Cli.csproj: the apphost is no longer named sae, so /app/sae is gone");
        AssertNone(problems);
    }

    [Fact]
    public void Dockerfile_CopiedInputs_ExistAndPassDockerignore()
    {
        var problems = new List<string>();
        var copied = DockerStages("deploy/Dockerfile")[0].Instructions.Where(i => i.Op == "COPY" && !i.Args.StartsWith("--", StringComparison.Ordinal))
            .SelectMany(i => i.Args.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1]).Select(s => s.TrimEnd('/')).ToList();
        var ignore = File.ReadAllLines(Path.Combine(Root, ".dockerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        foreach (string source in copied)
        {
            Check(problems, Path.Exists(Path.Combine(Root, source)), $"deploy/Dockerfile: COPY {source}, which is not in the repository");
            Check(problems, !DockerIgnored(ignore, source), $".dockerignore: excludes {source}, which deploy/Dockerfile copies");
        }
        // everything `dotnet publish src/Sae.Cli` reads outside src/: SDK pin, feeds, MSBuild imports, analyzer settings, the embedded demo
        var needed = new[] { "global.json", "NuGet.config", ".editorconfig", "build", "src", "examples" }
            .Concat(Directory.EnumerateFiles(Root, "Directory.*").Select(Path.GetFileName).OfType<string>());
        foreach (string input in needed)
            Check(problems, copied.Contains(input), $"deploy/Dockerfile: does not copy {input}, which the build reads");
        AssertNone(problems);
    }

    [Fact]
    public void BuildScript_Defaults_BuildOrleansSaeFromDeployDockerfile()
    {
        string script = File.ReadAllText(Path.Combine(Root, "deploy/build.sh"));
        Assert.True(script.Contains("--file deploy/Dockerfile", StringComparison.Ordinal), "deploy/build.sh: does not build deploy/Dockerfile");
        Assert.True(script.Contains($"${{IMAGE:-{ClusterNames.Image}}}", StringComparison.Ordinal), $"deploy/build.sh: the default image name is not {ClusterNames.Image}");
    }

    // ---- the files ----

    private const string NameLabel = "app.kubernetes.io/name";

    private sealed record YamlFile(string Path, IReadOnlyList<YamlMappingNode> Documents);

    private sealed record K8sObject(string File, YamlMappingNode Node)
    {
        public string? Kind => Text(Node, "kind");
        public string? Name => Text(Node, "metadata", "name");
        public string? Namespace => Text(Node, "metadata", "namespace");
        public override string ToString() => $"{File}: {Kind}/{Name}";
    }

    private sealed record WorkerArgs(IReadOnlyList<string> Queues, int? Threads, string CacheSize, long? CacheBytes);

    private sealed record Worker(string Deployment, string? Namespace, string Where, YamlNode Pod, YamlNode Container, string? Image, WorkerArgs Args);

    private readonly record struct DockerInstruction(string Op, string Args);

    private sealed record DockerStage(string Image, IReadOnlyList<DockerInstruction> Instructions);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Sae.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no Orleans.Sae.sln above {AppContext.BaseDirectory}");
    }

    private static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    private static List<string> YamlPaths() =>
        new[] { "k8s", "deploy" }.SelectMany(d => Directory.EnumerateFiles(Path.Combine(Root, d), "*.*", SearchOption.AllDirectories))
            .Where(p => p.EndsWith(".yaml", StringComparison.Ordinal) || p.EndsWith(".yml", StringComparison.Ordinal))
            .Select(Relative).Order(StringComparer.Ordinal).ToList();

    private static YamlFile Load(string path) => new(path, Parse(File.ReadAllText(Path.Combine(Root, path)), path));

    /// <summary>Every document of a (multi-document) YAML text; each must be a mapping.</summary>
    private static List<YamlMappingNode> Parse(string text, string where)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        // YamlDotNet reports some malformed flow collections as InvalidOperationException rather than YamlException
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            throw new InvalidDataException($"{where}: {e.Message}", e);
        }
        var documents = new List<YamlMappingNode>();
        for (int i = 0; i < stream.Documents.Count; i++)
            documents.Add(stream.Documents[i].RootNode as YamlMappingNode ?? throw new InvalidDataException($"{where}: document {i} is not a mapping"));
        return documents;
    }

    private static YamlMappingNode File1(string path) => All.Value.Single(f => f.Path == path).Documents[0];

    private static readonly Lazy<List<K8sObject>> K8s = new(() =>
        All.Value.Where(f => f.Path.StartsWith("k8s/", StringComparison.Ordinal)).SelectMany(f => f.Documents.Select(d => new K8sObject(f.Path, d))).ToList());

    private static IEnumerable<K8sObject> Objects() => K8s.Value.Where(o => o.Kind != "Kustomization");

    private static IEnumerable<K8sObject> Kustomizations() => K8s.Value.Where(o => o.Kind == "Kustomization");

    private static IEnumerable<(string Where, YamlNode Container)> Containers() =>
        Objects().Where(o => o.Kind == "Deployment").SelectMany(d => Items(d.Node, "spec", "template", "spec", "containers").Select(c => ($"{d} container {Text(c, "name")}", c)));

    /// <summary>The containers that run `sae worker` (by image, args or a *-worker component), their worker arguments checked.</summary>
    private static List<Worker> K8sWorkers(List<string> problems)
    {
        var workers = new List<Worker>();
        foreach (var d in Objects().Where(o => o.Kind == "Deployment"))
        {
            var pod = Get(d.Node, "spec", "template", "spec")!;
            bool workerDeployment = Text(d.Node, "metadata", "labels", "app.kubernetes.io/component")?.EndsWith("-worker", StringComparison.Ordinal) == true;
            foreach (var c in Items(pod, "containers"))
            {
                var args = Strings(c, "args").ToList();
                string? image = Text(c, "image");
                if (!workerDeployment && !IsSaeImage(image) && args.FirstOrDefault() != "worker")
                    continue;
                string where = $"{d} container {Text(c, "name")}";
                if (ParseWorker(args, where, problems) is { } parsed)
                    workers.Add(new Worker(d.Name!, d.Namespace, where, pod, c, image, parsed));
            }
        }
        Check(problems, workers.Count > 0, "k8s/: no worker containers found");
        return workers;
    }

    /// <summary>
    /// `worker …` parsed by the real `sae worker` command (unknown options and malformed values are its parse errors),
    /// then the values the manifests must agree with: the queues, an explicit --threads, the effective --cache-size.
    /// </summary>
    private static WorkerArgs? ParseWorker(List<string> args, string where, List<string> problems)
    {
        if (args.Count == 0 || args[0] != "worker")
        {
            problems.Add($"{where}: args [{string.Join(", ", args)}] do not start with \"worker\"");
            return null;
        }
        var parsed = WorkerCommand.Create().Parse(args.Skip(1).ToArray());
        if (parsed.Errors.Count > 0)
        {
            problems.Add($"{where}: `sae {string.Join(' ', args)}` does not parse: {string.Join("; ", parsed.Errors.Select(e => e.Message))}");
            return null;
        }
        string queues = parsed.GetValue<string>("--queues") ?? "";
        string[] kinds = queues.Split(',');
        Check(problems, kinds.All(q => q is WorkMessage.Train or WorkMessage.Compare) && kinds.Distinct().Count() == kinds.Length,
            $"{where}: --queues '{queues}' must name {WorkMessage.Train} and/or {WorkMessage.Compare}");
        int? threads = args.Contains("--threads") ? parsed.GetValue<int>("--threads") : null;
        Check(problems, threads is null or >= 1, $"{where}: --threads {threads} is not positive");
        string cache = parsed.GetValue<string>("--cache-size") ?? "";
        long? bytes = null;
        try
        {
            bytes = ByteSize.Parse(cache, "--cache-size");
        }
        catch (SaeInputException e)
        {
            problems.Add($"{where}: {e.Message}");
        }
        return new WorkerArgs(kinds, threads, cache, bytes);
    }

    private static string AzureQueue(string kind) => kind switch
    {
        WorkMessage.Train => ClusterNames.TrainQueue,
        WorkMessage.Compare => ClusterNames.CompareQueue,
        _ => $"(no Azure queue for '{kind}')",
    };

    private static bool IsSaeImage(string? image) => image == ClusterNames.Image || image?.StartsWith(ClusterNames.Image + ":", StringComparison.Ordinal) == true;

    // ---- shared checks ----

    private static void CheckEnvironmentNames(List<string> problems, string where, IReadOnlyList<string> names)
    {
        foreach (string name in names.Where(n => !AllowedEnvironment.Contains(n)))
            problems.Add($"{where}: environment variable {name} is neither a ClusterNames one nor a standard OTEL_* one");
        foreach (string name in RequiredEnvironment.Where(r => !names.Contains(r)))
            problems.Add($"{where}: environment variable {name} is not set");
        foreach (string name in names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key))
            problems.Add($"{where}: environment variable {name} is set twice");
    }

    private static void CheckProtocol(List<string> problems, string where, string? protocol) =>
        Check(problems, protocol is null or "grpc" or "http/protobuf", $"{where}: OTEL_EXPORTER_OTLP_PROTOCOL '{protocol}' is not grpc or http/protobuf");

    /// <summary>The BlobEndpoint and QueueEndpoint of an explicit connection string must be reachable.</summary>
    private static void CheckStoreEndpoints(List<string> problems, string where, string connection, Func<string, int, bool> reachable)
    {
        var parts = connection[(connection.IndexOf('=', StringComparison.Ordinal) is var eq && connection.StartsWith(ClusterNames.StoreVariable + "=", StringComparison.Ordinal) ? eq + 1 : 0)..]
            .Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        foreach (string key in new[] { "BlobEndpoint", "QueueEndpoint" })
        {
            Check(problems, parts.TryGetValue(key, out string? value) && Uri.TryCreate(value, UriKind.Absolute, out var uri) && reachable(uri.Host, uri.Port),
                $"{where}: {ClusterNames.StoreVariable}'s {key} '{parts.GetValueOrDefault(key)}' names no host and port that serve it");
        }
    }

    /// <summary>A Service, addressed as name, name.ns, name.ns.svc or name.ns.svc.cluster.local, that exposes the endpoint's port.</summary>
    private static bool ServiceExposes(string endpoint, string? ns)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            return false;
        string[] host = uri.Host.Split('.');
        string serviceNamespace = host.Length > 1 ? host[1] : ns ?? "";
        if (host.Length > 2 && string.Join('.', host[2..]) is not ("svc" or "svc.cluster.local"))
            return false;
        return Objects().Any(s => s.Kind == "Service" && s.Name == host[0] && s.Namespace == serviceNamespace
                                  && Items(s.Node, "spec", "ports").Any(p => Text(p, "port") == uri.Port.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>The compose service mounts deploy/otel-collector.yaml and that config receives OTLP/gRPC on the port.</summary>
    private static bool ComposeCollectorListens(Dictionary<string, YamlNode> services, string host, int port) =>
        services.TryGetValue(host, out var service) && Strings(service, "volumes").Any(v => v.StartsWith("./otel-collector.yaml:", StringComparison.Ordinal))
        && Text(File1("deploy/otel-collector.yaml"), "receivers", "otlp", "protocols", "grpc", "endpoint")?.EndsWith($":{port}", StringComparison.Ordinal) == true;

    /// <summary>The compose service exists and its command names the port (Azurite's --blobPort / --queuePort).</summary>
    private static bool ComposeListens(Dictionary<string, YamlNode> services, string host, int port) =>
        services.TryGetValue(host, out var service) && Strings(service, "command").Contains(port.ToString(CultureInfo.InvariantCulture));

    private static bool Matches(Dictionary<string, string> selector, Dictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(kv => labels.GetValueOrDefault(kv.Key) == kv.Value);

    /// <summary>A Kubernetes quantity ("64Gi", "500m", "8") as a number (bytes or cores).</summary>
    private static double Quantity(string text)
    {
        var m = QuantityPattern().Match(text);
        Assert.True(m.Success, $"'{text}' is not a Kubernetes quantity");
        double scale = m.Groups[2].Value switch
        {
            "" => 1, "m" => 1e-3, "k" => 1e3, "M" => 1e6, "G" => 1e9, "T" => 1e12,
            "Ki" => 1L << 10, "Mi" => 1L << 20, "Gi" => 1L << 30, "Ti" => 1L << 40, _ => double.NaN,
        };
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * scale;
    }

    // ---- Dockerfile ----

    /// <summary>The stages of a Dockerfile: the FROM image (ARG defaults substituted) and the instructions after it.</summary>
    private static List<DockerStage> DockerStages(string path)
    {
        var lines = new List<string>();
        string pending = "";
        foreach (string raw in File.ReadAllLines(Path.Combine(Root, path)))
        {
            string line = raw.Trim();
            if (line.StartsWith('#'))
                continue;
            pending += " " + line.TrimEnd('\\');
            if (line.EndsWith('\\'))
                continue;
            if (pending.Trim().Length > 0)
                lines.Add(Whitespace().Replace(pending.Trim(), " "));
            pending = "";
        }
        var defaults = new Dictionary<string, string>();
        var stages = new List<DockerStage>();
        foreach (string line in lines)
        {
            string op = line.Split(' ')[0].ToUpperInvariant(), args = line[op.Length..].Trim();
            if (op == "ARG" && stages.Count == 0 && args.Split('=', 2) is [var name, var value])
                defaults[name] = value;
            else if (op == "FROM")
                stages.Add(new DockerStage(ArgReference().Replace(args.Split(' ')[0], m => defaults.GetValueOrDefault(m.Groups[1].Value, m.Value)), new List<DockerInstruction>()));
            else if (stages.Count > 0)
                ((List<DockerInstruction>)stages[^1].Instructions).Add(new DockerInstruction(op, args));
        }
        Assert.True(stages.Count > 0, $"{path}: no FROM");
        return stages;
    }

    private static string[]? JsonArray(IReadOnlyList<DockerInstruction> stage, string op) =>
        stage.LastOrDefault(i => i.Op == op).Args is { } args && args.StartsWith('[') ? JsonSerializer.Deserialize<string[]>(args) : null;

    /// <summary>Whether .dockerignore excludes a top-level path: the last matching pattern decides (the subset of the syntax the file uses).</summary>
    private static bool DockerIgnored(IEnumerable<string> patterns, string name)
    {
        bool ignored = false;
        foreach (string pattern in patterns)
        {
            bool negated = pattern.StartsWith('!');
            string p = pattern.TrimStart('!').TrimEnd('/');
            if (p == "*" || p == name || (p.StartsWith("**/", StringComparison.Ordinal) && p[3..] == name))
                ignored = !negated;
        }
        return ignored;
    }

    // ---- YAML navigation ----

    private static YamlNode? Get(YamlNode? node, params string[] path)
    {
        foreach (string key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out node))
                return null;
        }
        return node;
    }

    private static string? Text(YamlNode? node, params string[] path) => (Get(node, path) as YamlScalarNode)?.Value;

    private static IEnumerable<YamlNode> Items(YamlNode? node, params string[] path) => Get(node, path) is YamlSequenceNode s ? s.Children : [];

    /// <summary>A sequence of scalars, or a scalar split on spaces (compose accepts both for command).</summary>
    private static IEnumerable<string> Strings(YamlNode? node, params string[] path) => Get(node, path) switch
    {
        YamlSequenceNode s => s.Children.OfType<YamlScalarNode>().Select(c => c.Value ?? ""),
        YamlScalarNode { Value: { } v } => v.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        _ => [],
    };

    private static IEnumerable<(string Key, YamlNode Value)> Entries(YamlNode? node, params string[] path) =>
        Get(node, path) is YamlMappingNode m ? m.Children.Select(kv => (((YamlScalarNode)kv.Key).Value ?? "", kv.Value)) : [];

    private static Dictionary<string, string> Map(YamlNode? node, params string[] path) =>
        Entries(node, path).Where(e => e.Value is YamlScalarNode).ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value ?? "");

    private static void Check(List<string> problems, bool ok, string problem)
    {
        if (!ok)
            problems.Add(problem);
    }

    private static void AssertNone(List<string> problems) =>
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s):{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");

    [GeneratedRegex(@"AccountKey=([^;""'\s]+)")]
    private static partial Regex AccountKey();

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")]
    private static partial Regex ArgReference();

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")]
    private static partial Regex QuantityPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
