namespace Orleans.Partisan.Tests.Runtime;

/// <summary>Runtime tests share the process-wide meter, so they run one after another.</summary>
[CollectionDefinition("Runtime", DisableParallelization = true)]
public sealed class RuntimeCollection;
