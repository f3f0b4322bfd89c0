using System.CommandLine;
using System.Globalization;
using Sae.Cluster;
using Sae.Core;

namespace Sae.Cli.Commands;

/// <summary>
/// <c>sae data push PATH --store …</c>: put activations into a store as the Shard entity (float32 safetensors shards
/// with a manifest of rows, SHA-256 and statistics). A sweep whose dataset is the same PATH then finds it there.
/// </summary>
internal static class DataPushCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("PATH") { Description = "A .npy or .safetensors file, a manifest.json, or a directory of shards." };
        var store = SweepCommand.StoreOption();
        var tensor = new Option<string?>("--tensor") { Description = "The tensor to read from .safetensors files (default: the only one)." };
        var shardRows = new Option<int>("--shard-rows") { Description = "Rows per shard in the store.", DefaultValueFactory = _ => 65_536 };
        var command = new Command("push",
            "Upload activations to a store (directory or Azure Storage) as checksummed shards with statistics; sweeps that name the same PATH reuse them.");
        command.Arguments.Add(path);
        command.Options.Add(store);
        command.Options.Add(tensor);
        command.Options.Add(shardRows);
        command.SetAction(r =>
        {
            string full = Path.GetFullPath(r.GetValue(path)!);
            if (!File.Exists(full) && !Directory.Exists(full))
                throw new UserErrorException($"{r.GetValue(path)}: no such file or directory.");
            using (var source = ActivationSource.Open(full, r.GetValue(tensor)))
                SyntheticDataset.CheckShardRows(r.GetValue(shardRows), source.Dimension);
            var spec = new DatasetSpec(null, full, r.GetValue(tensor), r.GetValue(shardRows));
            using var connection = StoreConnection.OpenAsync(SweepCommand.ResolveStore(r.GetValue(store))).GetAwaiter().GetResult();
            var dataset = new DatasetStore(connection.Blobs).ImportAsync(spec, SweepCommand.ClientWorkDirectory(connection), Environment.ProcessorCount,
                (rows, total) => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"push: {rows:N0}/{total:N0} rows"))).GetAwaiter().GetResult();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"dataset {dataset.Id}: {dataset.Rows:N0} rows × d = {dataset.D} in {connection.Description} ({StoreLayout.DatasetManifest(dataset.Id)})"));
            return 0;
        });
        return command;
    }
}
