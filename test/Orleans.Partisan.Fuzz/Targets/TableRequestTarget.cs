using System.Net;
using Orleans.Partisan.Clustering.Table;
using Orleans.Partisan.Clustering.TableService;

namespace Orleans.Partisan.Fuzz.Targets;

/// <summary>
/// The bytes a client sends to a seed's table service, read as <c>TableServiceListener</c> reads them: frames of at
/// most <see cref="Orleans.Partisan.Clustering.TableService.Frames.MaxRequestLength"/> bytes, each decoded as a
/// <see cref="TableRequest"/> (and described, as the seed's log does).
/// </summary>
internal sealed class TableRequestTarget : IFuzzTarget
{
    public string Name => "table-request";

    public IEnumerable<(string Name, byte[] Input)> Seeds()
    {
        var silo = SiloAddress.New(IPAddress.Loopback, 11111, 3);
        var entry = TableSeeds.Entry(silo);
        var version = new TableVersion(4, "4");
        yield return ("read-all", Frame(new TableRequest { Kind = TableRequestKind.ReadAll, ClusterId = "c" }));
        yield return ("read-row", Frame(new TableRequest { Kind = TableRequestKind.ReadRow, ClusterId = "c", Silo = silo }));
        yield return ("insert", Frame(Command(new InsertRowCommand { CommandId = Guid.NewGuid(), ClusterId = "c", Entry = entry, Version = version })));
        yield return ("update", Frame(Command(new UpdateRowCommand { CommandId = Guid.NewGuid(), ClusterId = "c", Entry = entry, Etag = "e", Version = version })));
        yield return ("i-am-alive", Frame(Command(new UpdateIAmAliveCommand { CommandId = Guid.NewGuid(), ClusterId = "c", SiloAddress = silo, IAmAliveTime = DateTime.UnixEpoch })));
        yield return ("cleanup", Frame(Command(new CleanupDefunctCommand { CommandId = Guid.NewGuid(), ClusterId = "c", Cutoff = DateTimeOffset.UnixEpoch })));
        yield return ("delete-and-init", Frames.Concat(
            Frame(Command(new DeleteTableCommand { CommandId = Guid.NewGuid(), ClusterId = "c" })),
            Frame(Command(new InitializeTableCommand { CommandId = Guid.NewGuid(), ClusterId = "c" }))));
        yield return ("oversized-length", Frames.Prefix(Clustering.TableService.Frames.MaxRequestLength + 1));
        yield return ("http", "GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        yield return ("hostile-deep", Frames.Wrap(HostileValues.DeepNesting(200)));
        yield return ("hostile-quadratic", Frames.Wrap(HostileValues.QuadraticClaims(64)));
    }

    public void Run(byte[] input) => TableSeeds.ReadAll<TableRequest>(input, Clustering.TableService.Frames.MaxRequestLength, request => _ = request.ToString());

    public bool IsDocumentedRefusal(Exception exception) => exception is InvalidDataException or EndOfStreamException;

    private static TableRequest Command(TableCommand command) => new() { Kind = TableRequestKind.Command, Command = command };

    private static byte[] Frame(object value) => Frames.Wrap(FuzzServices.Serializer.SerializeToArray(value));
}
