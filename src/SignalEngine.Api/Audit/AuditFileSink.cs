using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace SignalEngine.Api.Audit;

/// <summary>
/// A rolling file sink for the audit logger that throws when it cannot write. Serilog's file sink reports failures
/// to SelfLog only (and drops events past a size limit), which an audit trail must not do. This one:
/// <list type="bullet">
/// <item>writes each event as one line, unbuffered, and lets any exception reach the caller;</item>
/// <item>before each write, checks that the open file is still the one at the path (not deleted, moved away or
/// replaced: the path is missing, or its length is not ours) and reopens the path if not, so events never go to an
/// inode no reader can find;</item>
/// <item>on opening a file whose last line is torn (a failed write, a crash mid-event), starts on a new line, so the
/// fragment stays a line of its own that readers skip and the next event parses;</item>
/// <item><see cref="Sync"/> makes everything written durable (fsync), called before the store commits;</item>
/// <item>after a failed write, reports itself unwritable until a probe write succeeds.</item>
/// </list>
/// One process appends to a file (replicas sharing a folder each have their own, see AuditOptions).
/// </summary>
public sealed class AuditFileSink(string pathTemplate, ITextFormatter formatter) : ILogEventSink, IDisposable
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly Lock _gate = new();
    private readonly string _folder = Path.GetDirectoryName(Path.GetFullPath(pathTemplate)) ?? ".";
    private readonly string _stem = Path.GetFileNameWithoutExtension(pathTemplate);
    private readonly string _extension = Path.GetExtension(pathTemplate);
    private FileStream? _file;
    private string? _filePath;
    private bool _failed;

    /// <summary>The file events of <paramref name="time"/>'s UTC day go to.</summary>
    public string PathFor(DateTimeOffset time) => Path.Combine(_folder, $"{_stem}{time.UtcDateTime:yyyyMMdd}{_extension}");

    /// <summary>Every audit file of this sink, oldest first.</summary>
    public IReadOnlyList<string> Files() =>
        Directory.Exists(_folder)
            ? Directory.GetFiles(_folder, $"{_stem}*{_extension}").Where(f => Path.GetFileName(f).Length == _stem.Length + 8 + _extension.Length).Order(StringComparer.Ordinal).ToArray()
            : [];

    public void Emit(LogEvent logEvent)
    {
        using var text = new StringWriter();
        formatter.Format(logEvent, text);
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        lock (_gate)
        {
            try
            {
                FileFor(PathFor(logEvent.Timestamp)).Write(bytes);
                _failed = false;
            }
            catch
            {
                Fail();
                throw;
            }
        }
    }

    /// <summary>Flushes what has been written through to the disk (fsync); throws if the disk refuses.</summary>
    public void Sync()
    {
        lock (_gate)
        {
            try
            {
                _file?.Flush(flushToDisk: true);
            }
            catch
            {
                Fail();
                throw;
            }
        }
    }

    public bool IsWritable()
    {
        lock (_gate)
        {
            try
            {
                var file = FileFor(PathFor(DateTimeOffset.UtcNow));
                if (_failed)
                {
                    // The last write failed (a full disk, say): only a write that succeeds says it is over. A blank line
                    // is what readers skip anyway.
                    file.Write(NewLine);
                    file.Flush(flushToDisk: true);
                    _failed = false;
                }
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Fail();
                return false;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate) Close();
    }

    private FileStream FileFor(string path)
    {
        if (_file is not null && _filePath == path && IsStillAt(path, _file)) return _file;
        Close();
        Directory.CreateDirectory(_folder);
        // Unbuffered: a failed write leaves nothing behind in memory to be flushed into the next event.
        var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        try
        {
            if (file.Length > 0 && LastByte(path) != '\n') file.Write(NewLine);
        }
        catch
        {
            file.Dispose();
            throw;
        }
        _file = file;
        _filePath = path;
        return file;
    }

    /// <summary>The open file is the one at the path: it exists and has the length we wrote (we are its only writer).</summary>
    private static bool IsStillAt(string path, FileStream file)
    {
        var info = new FileInfo(path);
        return info.Exists && info.Length == file.Length;
    }

    private static int LastByte(string path)
    {
        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (reader.Length == 0) return '\n';
        reader.Seek(-1, SeekOrigin.End);
        return reader.ReadByte();
    }

    private void Fail()
    {
        _failed = true;
        // Reopen on the next event: the folder may be fixed, or the file moved away, in the meantime.
        Close();
    }

    private void Close()
    {
        try
        {
            _file?.Dispose();
        }
        catch (IOException)
        {
            // Nothing is buffered; a handle that cannot close cleanly has nothing left to lose.
        }
        _file = null;
        _filePath = null;
    }
}
