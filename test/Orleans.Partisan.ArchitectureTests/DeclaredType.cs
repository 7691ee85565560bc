namespace Orleans.Partisan.ArchitectureTests;

/// <summary>A top-level type declared in a source file.</summary>
/// <param name="FullName">Namespace and name, without generic arity.</param>
/// <param name="IsPublic">Whether it is declared <c>public</c>.</param>
internal sealed record DeclaredType(string FullName, bool IsPublic);
