namespace Orleans.Partisan.ProcessHost;

/// <summary>The protocol lines a silo process writes for its parent, each whole on one line.</summary>
internal static class HostOutput
{
    private static readonly object Gate = new();

    public static void Write(string line)
    {
        lock (Gate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }
}
