namespace Sae.Cli.Tests;

/// <summary>Test classes that start Azurite run one at a time, alone: a chaos test must not share the machine's two cores.</summary>
[CollectionDefinition("azurite", DisableParallelization = true)]
public sealed class AzuriteTests;
