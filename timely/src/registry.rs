//! The process-wide codec of each record type. Timely reads a container through a static
//! function (`ContainerBytes::from_bytes`), so what reads `T` cannot travel with the
//! dataflow; it is installed once per process instead, as Flink sets its serialization
//! config once per job.

use crate::error::InstallError;
use crate::wire::RecordsCodec;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use typeinfo::{Decode, Encode};
use typeinfo_serializers::SerializationConfig;

type Codecs = HashMap<TypeId, Arc<dyn Any + Send + Sync>>;

static CODECS: RwLock<Option<Codecs>> = RwLock::new(None);

/// Makes `config` choose how containers of `T` travel in this process. Every process of a
/// dataflow must install the same config (a container written under another one fails to
/// read, with an error that says so). Installing the same choice again is a no-op; another
/// choice after `T` was installed or first used is refused.
pub fn install<T: Encode + Decode + Send + Sync + 'static>(
    config: &SerializationConfig,
) -> Result<Arc<RecordsCodec<T>>, InstallError> {
    let codec = RecordsCodec::<T>::new(config)?;
    let mut codecs = CODECS.write().unwrap_or_else(|p| p.into_inner());
    let codecs = codecs.get_or_insert_with(HashMap::new);
    if let Some(installed) = codecs.get(&TypeId::of::<T>()) {
        let installed = downcast::<T>(installed);
        if installed.fingerprint() == codec.fingerprint() {
            return Ok(installed);
        }
        return Err(InstallError::Conflict {
            type_name: codec.serializer().explanation().type_name,
            installed: describe(&installed),
            given: describe(&codec),
        });
    }
    let codec = Arc::new(codec);
    codecs.insert(TypeId::of::<T>(), codec.clone());
    Ok(codec)
}

/// The codec containers of `T` use: the installed one, else the default config's (pojo),
/// which is installed by this call.
pub fn codec<T: Encode + Decode + Send + Sync + 'static>()
-> Result<Arc<RecordsCodec<T>>, InstallError> {
    if let Some(installed) = CODECS
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .and_then(|codecs| codecs.get(&TypeId::of::<T>()))
    {
        return Ok(downcast::<T>(installed));
    }
    install::<T>(&SerializationConfig::default())
}

fn downcast<T: Send + Sync + 'static>(codec: &Arc<dyn Any + Send + Sync>) -> Arc<RecordsCodec<T>> {
    codec
        .clone()
        .downcast::<RecordsCodec<T>>()
        .expect("codecs are keyed by their record type")
}

fn describe<T>(codec: &RecordsCodec<T>) -> String {
    format!(
        "{} (fingerprint {:016x})",
        codec.format(),
        codec.fingerprint()
    )
}
