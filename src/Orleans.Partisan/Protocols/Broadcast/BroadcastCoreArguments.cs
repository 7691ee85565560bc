namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>The checks every broadcast core makes of its constructor's arguments.</summary>
internal static class BroadcastCoreArguments
{
    /// <summary>Throws when <paramref name="self"/> is empty, <paramref name="options"/> are invalid or an argument is null.</summary>
    public static void Check(NodeName self, PlumtreeOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        if (self.IsEmpty)
        {
            throw new ArgumentException("A broadcast core needs this node's name.", nameof(self));
        }

        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid PlumtreeOptions: " + string.Join(" ", errors), nameof(options));
        }
    }
}
