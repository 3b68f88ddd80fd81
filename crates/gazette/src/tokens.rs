//! `gazette token …`: Admin API tokens from the command line, for scripts and CI. `create`
//! prints the secret alone on standard output (so `TOKEN=$(gazette token create …)` works) and
//! what it made on standard error; the secret cannot be shown again. Made and revoked through the
//! same code as the newsroom's token page, with the same limits and audit entries.

use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use gazette_core::newsroom::Email;
use gazette_store::{Actor, ApiScope, Store};
use gazette_web::api::admin::tokens::{self, DEFAULT_DAYS, MAX_DAYS, MintError, TokenRequest};

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Make a token for a person and print its secret (shown this once).
    Create(CreateOptions),
    /// List tokens (everyone's, or one person's with --email), newest first.
    List {
        /// Only this person's tokens
        #[arg(long)]
        email: Option<String>,
    },
    /// Revoke a token for good.
    Revoke {
        /// The token's id, as `list` shows it
        id: i64,
    },
}

#[derive(Args)]
pub struct CreateOptions {
    /// The e-mail address of the person the token acts as
    #[arg(long)]
    email: String,
    /// What the token is for, as lists and the audit log show it
    #[arg(long)]
    name: String,
    /// Comma-separated: read_drafts, write_drafts, publish, media, live, admin; or `all`
    #[arg(long)]
    scopes: String,
    /// Days until it expires (at most 366)
    #[arg(long, default_value_t = DEFAULT_DAYS)]
    days: i64,
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

async fn person(
    store: &Arc<dyn Store>,
    email: &str,
) -> anyhow::Result<gazette_core::newsroom::User> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?;
    store
        .users()
        .await?
        .into_iter()
        .find(|u| u.email == email)
        .with_context(|| format!("nobody has the e-mail address {email}"))
}

pub async fn run(store: &Arc<dyn Store>, command: TokenCommand) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    match command {
        TokenCommand::Create(options) => {
            let owner = person(store, &options.email).await?;
            let scopes = if options.scopes.trim() == "all" {
                ApiScope::ALL.to_vec()
            } else {
                ApiScope::parse_list(&options.scopes)
                    .map_err(|s| anyhow::anyhow!("there is no scope {s:?}"))?
            };
            if !(1..=MAX_DAYS).contains(&options.days) {
                bail!("--days must be from 1 to {MAX_DAYS}");
            }
            let request = TokenRequest {
                name: options.name,
                scopes,
                days: options.days,
            };
            let (token, secret) =
                match tokens::mint(store, &owner, &request, &cli_actor(), now).await {
                    Ok(made) => made,
                    Err(MintError::Invalid(message)) => bail!("{message}"),
                    Err(MintError::Store(e)) => return Err(e.into()),
                };
            eprintln!(
                "Token {} “{}” for {} ({}), expires {}. Keep the secret: it is not shown again.",
                token.id,
                token.name,
                owner.name,
                ApiScope::join(&token.scopes),
                token.expires_at.format("%Y-%m-%d %H:%M UTC")
            );
            println!("{secret}");
        }
        TokenCommand::List { email } => {
            let user_id = match email {
                Some(email) => Some(person(store, &email).await?.id),
                None => None,
            };
            for t in store.api_tokens(user_id).await? {
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else if t.expires_at <= now {
                    "expired"
                } else {
                    "active"
                };
                println!(
                    "{}\t{}\t{}\t{}…\t{}\texpires {}\tlast used {}\t{}",
                    t.id,
                    t.user_name,
                    t.name,
                    t.prefix,
                    ApiScope::join(&t.scopes),
                    t.expires_at.format("%Y-%m-%d"),
                    t.last_used_at.map_or_else(
                        || "never".to_owned(),
                        |at| at.format("%Y-%m-%d %H:%M").to_string()
                    ),
                    state
                );
            }
        }
        TokenCommand::Revoke { id } => {
            let token = store
                .api_token(id)
                .await?
                .with_context(|| format!("there is no token {id}"))?;
            if tokens::revoke(store, &token, &cli_actor(), now).await? {
                println!(
                    "Revoked token {id} “{}” of {}.",
                    token.name, token.user_name
                );
            } else {
                println!("Token {id} was revoked already.");
            }
        }
    }
    Ok(())
}
