using System.Text.Json;

namespace Orleans.Partisan.Dashboard.Tests;

/// <summary>Reads the dashboard's JSON as the page does (camelCase names).</summary>
internal static class StateJson
{
    public static JsonElement Silo(JsonElement state, string node)
        => state.GetProperty("silos").EnumerateArray().Single(s => s.GetProperty("node").GetString() == node);

    public static IReadOnlyList<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    public static IReadOnlyList<string> Nodes(JsonElement state) => [.. state.GetProperty("silos").EnumerateArray().Select(s => s.GetProperty("node").GetString()!)];
}
