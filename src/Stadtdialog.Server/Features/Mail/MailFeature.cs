using Stadtdialog.Mail;

namespace Stadtdialog.Server.Features.Mail;

/// <summary>E-mail: the server delivers the outbox (the services themselves are registered by the core).</summary>
public static class MailFeature
{
    public static IHostApplicationBuilder AddMail(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MailOutboxWorker>());
        return builder;
    }
}
