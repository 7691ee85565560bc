using System.Net;
using Orleans.Partisan.Clustering.TableService;

namespace Orleans.Partisan.Fuzz.Targets;

/// <summary>The bytes a seed answers with, read as <c>SeedClient</c> reads them: one frame decoded as a <see cref="TableResponse"/>.</summary>
internal sealed class TableResponseTarget : IFuzzTarget
{
    public string Name => "table-response";

    public IEnumerable<(string Name, byte[] Input)> Seeds()
    {
        var silo = SiloAddress.New(IPAddress.Loopback, 11111, 3);
        var rows = new List<Tuple<MembershipEntry, string>> { Tuple.Create(TableSeeds.Entry(silo), "1") };
        yield return ("ok-data", Frame(new TableResponse { Status = TableResponseStatus.Ok, Data = new MembershipTableData(rows, new TableVersion(2, "2")) }));
        yield return ("ok-result", Frame(new TableResponse { Status = TableResponseStatus.Ok, Result = true }));
        yield return ("not-leader", Frame(new TableResponse { Status = TableResponseStatus.NotLeader, LeaderHint = "127.0.0.1:11112", Reason = "not the leader" }));
        yield return ("unavailable", Frame(new TableResponse { Status = TableResponseStatus.Unavailable, Reason = "no quorum" }));
        yield return ("hostile-quadratic", Frames.Wrap(HostileValues.QuadraticClaims(64)));
    }

    public void Run(byte[] input) => TableSeeds.ReadAll<TableResponse>(input, Clustering.TableService.Frames.MaxFrameLength, _ => { });

    public bool IsDocumentedRefusal(Exception exception) => exception is InvalidDataException or EndOfStreamException;

    private static byte[] Frame(object value) => Frames.Wrap(FuzzServices.Serializer.SerializeToArray(value));
}
