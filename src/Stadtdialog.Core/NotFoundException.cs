namespace Stadtdialog;

/// <summary>A tenant's entity (assistant, conversation, source, job) that does not exist; mapped to HTTP 404.</summary>
public sealed class NotFoundException(string message) : Exception(message);
