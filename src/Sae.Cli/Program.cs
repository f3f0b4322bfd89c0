using Sae.Cli.Bench;
using Sae.Numerics;

int threads = args.Length > 0 ? int.Parse(args[0]) : 2;
int m = args.Length > 1 ? int.Parse(args[1]) : 4096, n = args.Length > 2 ? int.Parse(args[2]) : 16384, k = args.Length > 3 ? int.Parse(args[3]) : 768;
var a = new float[m * k]; var b = new float[n * k]; var c = new float[m * n];
var rng = new Random(1); for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble(); for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble();
var r = Timing.Measure(() => Gemm.MultiplyABt(a, b, c, m, n, k, false, threads), 3, 5);
Console.WriteLine($"{Gemm.Isa} t={threads} {m}x{n}x{k}: {2.0 * m * n * k / r.MedianSeconds / 1e9:F1} GFLOP/s (median {r.MedianSeconds * 1e3:F1} ms, min {2.0 * m * n * k / r.MinSeconds / 1e9:F1})");
return 0;
