using Microsoft.AspNetCore.Identity;

namespace Stadtdialog.Staff;

/// <summary>German messages for the Identity errors staff administrators can run into.</summary>
public sealed class GermanIdentityErrorDescriber : IdentityErrorDescriber
{
    public override IdentityError PasswordTooShort(int length) =>
        new() { Code = nameof(PasswordTooShort), Description = $"Das Passwort muss mindestens {length} Zeichen lang sein." };

    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) =>
        new() { Code = nameof(PasswordRequiresUniqueChars), Description = $"Das Passwort muss mindestens {uniqueChars} verschiedene Zeichen enthalten." };

    public override IdentityError DuplicateEmail(string email) =>
        new() { Code = nameof(DuplicateEmail), Description = $"Die E-Mail-Adresse '{email}' wird bereits verwendet." };

    public override IdentityError DuplicateUserName(string userName) =>
        new() { Code = nameof(DuplicateUserName), Description = $"Die E-Mail-Adresse '{userName}' wird bereits verwendet." };

    public override IdentityError InvalidEmail(string? email) =>
        new() { Code = nameof(InvalidEmail), Description = $"'{email}' ist keine gültige E-Mail-Adresse." };

    public override IdentityError InvalidUserName(string? userName) =>
        new() { Code = nameof(InvalidUserName), Description = $"'{userName}' ist als Anmeldename nicht zulässig." };

    public override IdentityError UserAlreadyInRole(string role) =>
        new() { Code = nameof(UserAlreadyInRole), Description = $"Das Konto hat die Rolle '{role}' bereits." };
}
