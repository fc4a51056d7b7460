using Microsoft.Extensions.DependencyInjection;

namespace Stadtdialog.Mail;

public static class MailServices
{
    /// <summary>
    /// Registers the outbox, the SMTP sender and the worker (as a plain singleton: only the server runs it as a
    /// hosted service, so the CLI queues mails but never sends them).
    /// </summary>
    public static IServiceCollection AddMail(this IServiceCollection services)
    {
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MailSignal>();
        services.AddSingleton<SmtpMailSender>();
        services.AddSingleton<MailOutboxWorker>();
        services.AddScoped<MailOutbox>();
        return services;
    }
}
