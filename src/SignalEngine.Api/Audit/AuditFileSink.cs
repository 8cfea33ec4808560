using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace SignalEngine.Api.Audit;

/// <summary>
/// A rolling file sink for the audit logger that throws when it cannot write. Serilog's file sink reports failures
/// to SelfLog only (and drops events past a size limit), which an audit trail must not do; this one writes each event
/// as one line, flushes it to the operating system before returning, and lets the exception reach the caller.
/// </summary>
public sealed class AuditFileSink(string pathTemplate, ITextFormatter formatter) : ILogEventSink, IDisposable
{
    private readonly Lock _gate = new();
    private readonly string _folder = Path.GetDirectoryName(Path.GetFullPath(pathTemplate)) ?? ".";
    private readonly string _stem = Path.GetFileNameWithoutExtension(pathTemplate);
    private readonly string _extension = Path.GetExtension(pathTemplate);
    private FileStream? _file;
    private string? _filePath;

    /// <summary>The file events of <paramref name="time"/>'s UTC day go to.</summary>
    public string PathFor(DateTimeOffset time) => Path.Combine(_folder, $"{_stem}{time.UtcDateTime:yyyyMMdd}{_extension}");

    public void Emit(LogEvent logEvent)
    {
        using var text = new StringWriter();
        formatter.Format(logEvent, text);
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        lock (_gate)
        {
            try
            {
                var file = FileFor(PathFor(logEvent.Timestamp));
                file.Write(bytes);
                file.Flush();
            }
            catch
            {
                // Reopen on the next event: the folder may be fixed, or the file moved away, in the meantime.
                Close();
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
                FileFor(PathFor(DateTimeOffset.UtcNow));
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Close();
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
        if (_file is not null && _filePath == path) return _file;
        Close();
        Directory.CreateDirectory(_folder);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        _filePath = path;
        return _file;
    }

    private void Close()
    {
        _file?.Dispose();
        _file = null;
        _filePath = null;
    }
}
