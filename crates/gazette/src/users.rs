//! `gazette user …`: managing newsroom accounts from the command line, e.g. to create the first
//! admin. Passwords are read from the terminal without echo, or from the first line of standard
//! input when it is not a terminal (for scripts) — never from the command line, where other users
//! of the machine and the shell history would see them. Works while a server runs on the same data:
//! everything goes through the store, which serialises writers.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use gazette_core::Slug;
use gazette_core::newsroom::{Email, Role, User, hash_password, parse_name};
use gazette_store::{Actor, NewAuditEntry, NewAuthor, NewUser, Store, StoreError, UserChange};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a person who can sign in to the newsroom; asks for their password.
    Add(AddOptions),
    /// List everyone with an account.
    List,
    /// Change a person's role.
    SetRole {
        /// Their e-mail address
        email: String,
        /// contributor, author, editor or admin
        role: String,
    },
    /// Stop a person signing in (and sign them out everywhere); --enable undoes it.
    Disable {
        /// Their e-mail address
        email: String,
        /// Allow them to sign in again
        #[arg(long)]
        enable: bool,
    },
    /// Set a new password for a person (signs them out everywhere); asks for it.
    ResetPassword {
        /// Their e-mail address
        email: String,
    },
    /// Turn two-factor sign-in off for a person who lost their phone and recovery codes; they
    /// sign in with their password and can set it up again.
    ResetTwoFactor {
        /// Their e-mail address
        email: String,
    },
}

#[derive(Args)]
pub struct AddOptions {
    /// Their e-mail address, used to sign in
    #[arg(long)]
    email: String,
    /// Their name as shown in the newsroom
    #[arg(long)]
    name: String,
    /// contributor, author, editor or admin
    #[arg(long, default_value = "contributor")]
    role: String,
    /// Use this existing byline (an author's address, e.g. olena-marchenko) instead of making one
    #[arg(long, value_name = "AUTHOR_SLUG", conflicts_with = "no_byline")]
    byline: Option<String>,
    /// Give them no byline (e.g. an admin who does not write)
    #[arg(long)]
    no_byline: bool,
}

fn cli_actor() -> Actor {
    Actor {
        user_id: None,
        name: format!(
            "command line ({})",
            std::env::var("USER").unwrap_or_else(|_| "unknown user".into())
        ),
        address: "local".into(),
    }
}

/// The audit entry for something done to a person from the command line; written with the write
/// it records. Without an id, the store names the person the write creates.
fn entry(action: &str, user_id: Option<i64>, detail: String) -> NewAuditEntry {
    NewAuditEntry {
        actor: cli_actor(),
        action: action.into(),
        entity: "user".into(),
        entity_id: user_id,
        detail,
    }
}

/// A new password: typed twice at a terminal, or the first line of standard input.
fn read_password(prompt: &str) -> anyhow::Result<String> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(prompt).context("cannot read the password")?;
        let again = rpassword::prompt_password("Again: ").context("cannot read the password")?;
        if first != again {
            bail!("the two passwords differ; nothing was changed");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    Ok(password)
}

async fn find(store: &dyn Store, email: &str) -> anyhow::Result<User> {
    let email = Email::parse(email)?;
    match store.user_credentials(&email).await? {
        Some((user, _)) => Ok(user),
        None => bail!("nobody has the e-mail address {email}; `gazette user list` shows who does"),
    }
}

pub async fn run(store: &dyn Store, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add(options) => {
            let email = Email::parse(&options.email)?;
            let name = parse_name(&options.name)?;
            let role = Role::parse(&options.role)?;
            if store.user_credentials(&email).await?.is_some() {
                bail!("{email} already has an account");
            }
            let author_id = if options.no_byline {
                None
            } else if let Some(slug) = &options.byline {
                match store.author_by_slug(slug).await? {
                    Some(author) => Some(author.id),
                    None => bail!("there is no byline with the address {slug}"),
                }
            } else {
                Some(new_byline(store, &name).await?)
            };
            let password =
                read_password(&format!("Password for {email} (at least 10 characters): "))?;
            let password_hash = hash_password(&password)?;
            let created = entry("create", None, format!("{email} as {role}"));
            let user = store
                .create_user(
                    NewUser {
                        email,
                        name,
                        role,
                        password_hash,
                        author_id,
                    },
                    Some(&created),
                    chrono::Utc::now(),
                )
                .await?;
            println!(
                "Added {} <{}> as {}. They can sign in at /newsroom/login.",
                user.name, user.email, user.role
            );
        }
        UserCommand::List => {
            let users = store.users().await?;
            if users.is_empty() {
                println!(
                    "No accounts yet. Add one with: gazette user add --email … --name … --role admin"
                );
            }
            for u in users {
                println!(
                    "{:<32} {:<28} {:<12}{}{}",
                    u.email.as_str(),
                    u.name,
                    u.role.as_str(),
                    if u.two_factor { " (two-factor)" } else { "" },
                    if u.disabled { " (disabled)" } else { "" }
                );
            }
        }
        UserCommand::SetRole { email, role } => {
            let role = Role::parse(&role)?;
            let user = find(store, &email).await?;
            let before = user.role;
            let changed = entry(
                "role_change",
                Some(user.id),
                format!("role {before} → {role}"),
            );
            let updated = store
                .update_user(
                    user.id,
                    UserChange {
                        name: user.name.clone(),
                        role,
                        disabled: user.disabled,
                        author_id: user.author_id,
                    },
                    Some(&changed),
                )
                .await?;
            println!("{} is now {}.", updated.email, updated.role);
        }
        UserCommand::Disable { email, enable } => {
            let user = find(store, &email).await?;
            let what = if enable { "enabled" } else { "disabled" };
            let changed = entry("edit", Some(user.id), what.to_owned());
            let updated = store
                .update_user(
                    user.id,
                    UserChange {
                        name: user.name.clone(),
                        role: user.role,
                        disabled: !enable,
                        author_id: user.author_id,
                    },
                    Some(&changed),
                )
                .await?;
            println!("{} is {what}.", updated.email);
        }
        UserCommand::ResetPassword { email } => {
            let user = find(store, &email).await?;
            let password = read_password(&format!(
                "New password for {} (at least 10 characters): ",
                user.email
            ))?;
            let hash = hash_password(&password)?;
            let reset = entry("reset_password", Some(user.id), String::new());
            store
                .set_user_password(user.id, &hash, Some(&reset))
                .await?;
            println!(
                "Password changed for {}; they were signed out everywhere.",
                user.email
            );
        }
        UserCommand::ResetTwoFactor { email } => {
            let user = find(store, &email).await?;
            // Recorded either way: the store adds "it was not on" when it was not.
            let reset = entry("two_factor_reset", Some(user.id), String::new());
            if store.disable_two_factor(user.id, Some(&reset)).await? {
                println!(
                    "Two-factor sign-in is off for {}; they sign in with their password alone.",
                    user.email
                );
            } else {
                println!("{} does not use two-factor sign-in.", user.email);
            }
        }
    }
    Ok(())
}

/// A byline in the person's name, numbered if the address is taken.
async fn new_byline(store: &dyn Store, name: &str) -> anyhow::Result<i64> {
    let base = Slug::from_title(name).context("cannot make a byline address from the name")?;
    let mut slug = base.clone();
    for n in 2..100 {
        match store
            .create_author(NewAuthor {
                slug: slug.clone(),
                name: name.to_owned(),
                bio: String::new(),
                is_house: false,
            })
            .await
        {
            Ok(author) => return Ok(author.id),
            Err(StoreError::Conflict(_)) => slug = base.with_suffix(n),
            Err(e) => return Err(e.into()),
        }
    }
    bail!("no free byline address for {name}")
}
