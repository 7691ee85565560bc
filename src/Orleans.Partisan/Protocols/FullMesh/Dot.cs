namespace Orleans.Partisan.Protocols.FullMesh;

/// <summary>A unique tag of one add in an OR-set: the adding node and its add counter.</summary>
[GenerateSerializer, Immutable, Alias("partisan.fullmesh.Dot")]
internal readonly record struct Dot([property: Id(0)] NodeName Actor, [property: Id(1)] long Counter) : IComparable<Dot>
{
    public int CompareTo(Dot other)
    {
        var byActor = Actor.CompareTo(other.Actor);
        return byActor != 0 ? byActor : Counter.CompareTo(other.Counter);
    }

    public override string ToString() => $"{Actor}#{Counter}";
}
