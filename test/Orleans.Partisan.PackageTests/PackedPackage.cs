using System.Diagnostics;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Xml.Linq;

namespace Orleans.Partisan.PackageTests;

/// <summary>One package of <c>src/</c> as <c>dotnet pack</c> makes it from the build the tests run against.</summary>
public sealed class PackedPackage
{
    /// <summary>The SourceLink custom debug information's kind (Portable PDB specification).</summary>
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private PackedPackage(string id, string packOutput, Dictionary<string, byte[]> files)
    {
        Id = id;
        PackOutput = packOutput;
        Files = files;
        Nuspec = XDocument.Parse(Encoding.UTF8.GetString(files[id + ".nuspec"]).TrimStart('\uFEFF'));
    }

    /// <summary>The package id (the project's name).</summary>
    public string Id { get; }

    /// <summary>What <c>dotnet pack</c> printed, standard output and error.</summary>
    public string PackOutput { get; }

    /// <summary>The files of the .nupkg by their path in it.</summary>
    public IReadOnlyDictionary<string, byte[]> Files { get; }

    /// <summary>The .nuspec.</summary>
    public XDocument Nuspec { get; }

    /// <summary>The value of a <c>metadata</c> element of the .nuspec, or null.</summary>
    public string? Metadata(string name) => Nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata")
        .Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

    /// <summary>The <c>repository</c> element's attribute, or null.</summary>
    public string? Repository(string attribute) => Nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata")
        .Elements().SingleOrDefault(e => e.Name.LocalName == "repository")?.Attribute(attribute)?.Value;

    /// <summary>Packs <c>src/<paramref name="id"/></c> without building it again and reads the package.</summary>
    public static PackedPackage Pack(string id)
    {
        var output = Directory.CreateTempSubdirectory("partisan-pack-");
        try
        {
            var project = Path.Combine(RepositoryRoot.Path, "src", id, id + ".csproj");
            var printed = Run("dotnet", ["pack", project, "--no-build", "-c", Configuration, "-o", output.FullName, "-nologo"], RepositoryRoot.Path);
            var nupkg = Directory.GetFiles(output.FullName, id + ".*.nupkg").Single();
            using var zip = ZipFile.OpenRead(nupkg);
            var files = zip.Entries.Where(e => e.Length > 0 || e.Name.Length > 0).ToDictionary(e => e.FullName, e =>
            {
                using var stream = e.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return copy.ToArray();
            });
            return new PackedPackage(id, printed, files);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    /// <summary>The SourceLink JSON and the document paths of the PDB embedded in the package's DLL.</summary>
    public (string? SourceLink, IReadOnlyList<string> Documents) EmbeddedPdb()
    {
        using var pe = new PEReader(new MemoryStream(Files[$"lib/net10.0/{Id}.dll"]));
        var embedded = pe.ReadDebugDirectory().Where(d => d.Type == DebugDirectoryEntryType.EmbeddedPortablePdb).ToList();
        Assert.True(embedded.Count == 1, $"{Id}.dll carries {embedded.Count} embedded PDBs, expected one (DebugType embedded)");
        using var provider = pe.ReadEmbeddedPortablePdbDebugDirectoryData(embedded[0]);
        var pdb = provider.GetMetadataReader();
        var documents = pdb.Documents.Select(d => pdb.GetString(pdb.GetDocument(d).Name)).ToList();
        var sourceLink = pdb.GetCustomDebugInformation(EntityHandle.ModuleDefinition)
            .Select(pdb.GetCustomDebugInformation)
            .Where(c => pdb.GetGuid(c.Kind) == SourceLinkKind)
            .Select(c => Encoding.UTF8.GetString(pdb.GetBlobBytes(c.Value)))
            .SingleOrDefault();
        return (sourceLink, documents);
    }

    /// <summary>Runs a command to its end (bounded by two minutes) and returns what it printed; throws when it fails.</summary>
    public static string Run(string command, IEnumerable<string> arguments, string directory)
    {
        var start = new ProcessStartInfo(command) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(' ', start.ArgumentList)} did not finish within two minutes");
        }

        var printed = stdout.Result + stderr.Result;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{printed}");
        }

        return printed;
    }
}
