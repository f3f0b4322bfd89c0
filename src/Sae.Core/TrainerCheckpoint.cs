namespace Sae.Core;

/// <summary>
/// Saves and restores everything a seed needs to continue bit-exactly: weights (in the run's file
/// layout), Adam moments, the step, the data cursor and the dead-latent counters.
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
            for (int t = 0; t < 4; t++)
            {
                var shape = Shape(trainer.Sae, t);
                writer.AddFloat32("exp_avg." + SaeParameters.Names[t], s.AdamM.Tensors[t], shape);
                writer.AddFloat32("exp_avg_sq." + SaeParameters.Names[t], s.AdamV.Tensors[t], shape);
            }
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
            for (int t = 0; t < 4; t++)
                sae.Parameters.Tensors[t].CopyTo(s.Parameters.Tensors[t], 0);
            using var state = SafeTensorsFile.Open(RunLayout.StateFile(dir));
            for (int t = 0; t < 4; t++)
            {
                state.ReadFloat32("exp_avg." + SaeParameters.Names[t], s.AdamM.Tensors[t]);
                state.ReadFloat32("exp_avg_sq." + SaeParameters.Names[t], s.AdamV.Tensors[t]);
            }
            long saved = state.ReadInt64("step")[0];
            if (saved != step)
                throw new SaeInputException($"{dir}: state says step {saved} but the directory is step {step}.");
            state.ReadInt64("tokens_since_fired").CopyTo(s.TokensSinceFired, 0);
        }
        trainer.Step = step;
    }

    private static long[] Shape(SaeConfig c, int tensor) => tensor switch
    {
        0 or 2 => [c.Latents, c.Dimension],
        1 => [c.Latents],
        _ => [c.Dimension],
    };
}
