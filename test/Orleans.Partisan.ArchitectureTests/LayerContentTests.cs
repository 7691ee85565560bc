using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Orleans.Partisan.ArchitectureTests;

/// <summary>
/// What the two lowest working layers of the overlay may use from outside the package: the protocol cores
/// are pure (no I/O, no clock, no threads, no Orleans service), and the transport uses of Orleans only its
/// serializer. Checked on the compiled assembly, like the layer rule.
/// </summary>
public sealed class LayerContentTests
{
    private static readonly Architecture Architecture = new ArchLoader().LoadAssemblies(PackageLayout.Partisan.Assembly).Build();

    [Fact]
    public void Protocol_cores_do_no_io_read_no_clock_and_use_no_orleans_service()
    {
        Types().That().ResideInNamespaceMatching(@"^Orleans\.Partisan\.Protocols(\..+)?$").As("Types in Protocols/")
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(@"^(System\.(IO|Net|Threading)|Microsoft\.Extensions|Orleans\.(Runtime|Hosting|Serialization))(\..+)?$")
            .AndShould().NotDependOnAnyTypesThat().HaveFullName("System.TimeProvider")
            .Because("a core is a state machine driven by its caller: effects out, no I/O, no clock, no threads (DESIGN §4)")
            .Check(Architecture);
    }

    [Fact]
    public void The_transport_uses_of_orleans_only_its_serializer()
    {
        Types().That().ResideInNamespace("Orleans.Partisan.Transport").As("Types in Transport/")
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(@"^Orleans\.(?!Serialization(\.|$)|Partisan(\.|$)).+$")
            .AndShould().NotDependOnAnyTypesThat().HaveFullNameMatching(@"^Orleans\.[^.+]+(?<!Attribute)$")
            .Because("the transport carries bytes between nodes; it knows Orleans' serializer and nothing else of Orleans (DESIGN §4)")
            .Check(Architecture);
    }
}
