namespace Orleans.Partisan.Dashboard;

/// <summary>A silo's links in the broadcast tree of <see cref="Root"/>: eager (tree) and lazy (IHAVE) neighbours.</summary>
internal sealed record TreeState(string Root, IReadOnlyList<string> Eager, IReadOnlyList<string> Lazy);
