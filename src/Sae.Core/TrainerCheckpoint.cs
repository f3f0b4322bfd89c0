namespace Sae.Core;

/// <summary>
/// Saves and restores everything a seed needs to continue bit-exactly: weights and the
/// architecture's extra tensors (in the run's file layout), the training-only tensors the weights
/// file leaves out (JumpReLU's log_threshold: deriving it again as log(threshold) is not always
/// the same float), the Adam moments of every trained tensor, the step, the data cursor and the
/// dead-latent counters.
/// </summary>
internal static class TrainerCheckpoint
{
    public static void Save(Trainer trainer, RunLayout layout, SaeFileLayout format)
    {
        foreach (var s in trainer.Seeds)
        {
            string dir = layout.Checkpoint(s.Seed, trainer.Step);
            SaeFiles.Save(dir, trainer.Sae, s.Parameters, format);
            var writer = new SafeTensorsWriter();
            foreach (int t in TrainedIndices(s.Parameters))
            {
                var shape = s.Parameters.Shape(t);
                string name = s.Parameters.TensorNames[t];
                writer.AddFloat32("exp_avg." + name, s.AdamM.Tensors[t], shape);
                writer.AddFloat32("exp_avg_sq." + name, s.AdamV.Tensors[t], shape);
            }
            foreach (int t in UnsavedIndices(s.Parameters))
                writer.AddFloat32(s.Parameters.TensorNames[t], s.Parameters.Tensors[t], s.Parameters.Shape(t));
            writer.AddInt64("step", new[] { trainer.Step }, 1)
                .AddInt64("data_cursor", new[] { trainer.DataCursor }, 1)
                .AddInt64("tokens_since_fired", s.TokensSinceFired, trainer.Sae.Latents)
                .AddMetadata("seed", s.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.Write(RunLayout.StateFile(dir));
        }
    }

    public static void Restore(Trainer trainer, RunLayout layout, long step)
    {
        foreach (var s in trainer.Seeds)
        {
            string dir = layout.Checkpoint(s.Seed, step);
            var sae = SaeFiles.Load(dir);
            if (sae.Parameters.Latents != trainer.Sae.Latents || sae.Parameters.Dimension != trainer.Sae.Dimension)
                throw new SaeInputException($"{dir}: checkpoint has {sae.Parameters.Latents} latents of d = {sae.Parameters.Dimension}, the run wants {trainer.Sae.Latents} of d = {trainer.Sae.Dimension}.");
            if (!sae.Parameters.TensorNames.SequenceEqual(s.Parameters.TensorNames))
                throw new SaeInputException($"{dir}: checkpoint holds tensors {string.Join(", ", sae.Parameters.TensorNames)}, the run wants {string.Join(", ", s.Parameters.TensorNames)}.");
            for (int t = 0; t < s.Parameters.Tensors.Count; t++)
                sae.Parameters.Tensors[t].CopyTo(s.Parameters.Tensors[t], 0);
            using var state = SafeTensorsFile.Open(RunLayout.StateFile(dir));
            foreach (int t in TrainedIndices(s.Parameters))
            {
                string name = s.Parameters.TensorNames[t];
                state.ReadFloat32("exp_avg." + name, s.AdamM.Tensors[t]);
                state.ReadFloat32("exp_avg_sq." + name, s.AdamV.Tensors[t]);
            }
            foreach (int t in UnsavedIndices(s.Parameters))
            {
                string name = s.Parameters.TensorNames[t];
                if (!state.Contains(name))
                    throw new SaeInputException($"{RunLayout.StateFile(dir)}: tensor {name} is missing (a checkpoint written before it was kept cannot resume bit-exactly; start the run again).");
                state.ReadFloat32(name, s.Parameters.Tensors[t]);
            }
            long saved = state.ReadInt64("step")[0];
            if (saved != step)
                throw new SaeInputException($"{dir}: state says step {saved} but the directory is step {step}.");
            state.ReadInt64("tokens_since_fired").CopyTo(s.TokensSinceFired, 0);
        }
        trainer.Step = step;
    }

    /// <summary>Indices into Tensors of the extras the weights file leaves out (<see cref="SaeExtraTensor.Saved"/> false).</summary>
    private static IEnumerable<int> UnsavedIndices(SaeParameters p) =>
        Enumerable.Range(4, p.Tensors.Count - 4).Where(t => !p.Extras[t - 4].Saved);

    /// <summary>Indices into Tensors of the tensors Adam trains (the four, then trained extras).</summary>
    private static IEnumerable<int> TrainedIndices(SaeParameters p) =>
        Enumerable.Range(0, p.Tensors.Count).Where(t => t < 4 || p.Extras[t - 4].Trained);
}
