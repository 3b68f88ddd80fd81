//! `gazette synonyms …`: the search synonym list from the command line, the same list editors
//! manage at /newsroom/synonyms. Works while a server runs on the same data: the change is written
//! to the change log, and every node's search uses it within a second.

use anyhow::bail;
use clap::Subcommand;
use gazette_store::{Actor, NewAuditEntry, Store, StoreError};

#[derive(Subcommand)]
pub enum SynonymsCommand {
    /// List the synonym groups with their ids.
    List,
    /// Add a group of spellings search treats as one word, e.g. "Kyiv, Kiev, Київ".
    Add {
        /// The spellings, separated by commas (quote them for the shell)
        terms: String,
    },
    /// Remove a group by the id `list` shows.
    Remove {
        /// The group's id
        id: i64,
    },
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

async fn audit(store: &dyn Store, action: &str, id: i64, detail: String) {
    let entry = NewAuditEntry {
        actor: cli_actor(),
        action: action.into(),
        entity: "synonyms".into(),
        entity_id: Some(id),
        detail,
    };
    if let Err(e) = store.audit(entry, chrono::Utc::now()).await {
        eprintln!("warning: could not write the audit log: {e}");
    }
}

pub async fn run(store: &dyn Store, command: SynonymsCommand) -> anyhow::Result<()> {
    match command {
        SynonymsCommand::List => {
            let groups = store.synonym_groups().await?;
            if groups.is_empty() {
                println!("No synonym groups. Add one with: gazette synonyms add \"Kyiv, Kiev\"");
            }
            for group in groups {
                println!("{:>5}  {}", group.id, group.terms.join(", "));
            }
            Ok(())
        }
        SynonymsCommand::Add { terms } => {
            let terms: Vec<String> = terms
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect();
            let group = match store
                .add_synonym_group(&terms, None, chrono::Utc::now())
                .await
            {
                Ok(group) => group,
                Err(StoreError::Invalid(why)) => bail!("{why}; nothing was added"),
                Err(StoreError::Conflict(_)) => bail!("that synonym group already exists"),
                Err(e) => return Err(e.into()),
            };
            let joined = group.terms.join(", ");
            audit(store, "create", group.id, joined.clone()).await;
            println!("Added synonym group {}: {joined}", group.id);
            Ok(())
        }
        SynonymsCommand::Remove { id } => {
            let Some(group) = store
                .synonym_groups()
                .await?
                .into_iter()
                .find(|g| g.id == id)
            else {
                bail!("there is no synonym group {id}; `gazette synonyms list` shows the ids");
            };
            match store
                .delete_synonym_group(id, None, chrono::Utc::now())
                .await
            {
                Ok(_) => {}
                Err(StoreError::NotFound) => bail!("there is no synonym group {id}"),
                Err(e) => return Err(e.into()),
            }
            let joined = group.terms.join(", ");
            audit(store, "delete", id, joined.clone()).await;
            println!("Removed synonym group {id}: {joined}");
            Ok(())
        }
    }
}
