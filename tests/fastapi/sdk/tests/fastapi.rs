//! The SDK generated from the FastAPI application's own OpenAPI 3.1 document, against that
//! application served on loopback (`make fastapi`, which sets `SHELTER_URL`; copied into the
//! generated crate by `x-sdk.extra-files`).

use shelter_sdk::types::{Cat, Contact, Dog, Owner, ProfileFavourite};
use shelter_sdk::{Error, ShelterClient, Upload};

fn client() -> ShelterClient {
    let url = std::env::var("SHELTER_URL").expect("SHELTER_URL points at the FastAPI application (see `make fastapi`)");
    ShelterClient::builder().base_url(url).max_retries(0).build().expect("client builds")
}

#[tokio::test]
async fn uploads_a_file_with_a_form_field() {
    let file = Upload::from_bytes(b"hello, shelter".to_vec(), "hello.txt").content_type("text/plain");
    let stored = client().files().upload_file(file, "greeting").await.expect("uploads");
    assert_eq!((stored.filename.as_str(), stored.size, stored.label.as_str()), ("hello.txt", 14, "greeting"));
    assert_eq!(stored.content_type.as_deref(), Some("text/plain"));
}

#[tokio::test]
async fn decodes_a_tagged_union_by_the_tags_pydantic_pins() {
    match client().pets().get_pet(1).await.expect("gets the cat") {
        ProfileFavourite::Cat(cat) => assert_eq!((cat.name.as_str(), cat.lives), ("Tom", Some(9))),
        other => panic!("expected the cat, got {other:?}"),
    }
    match client().pets().get_pet(2).await.expect("gets the dog") {
        ProfileFavourite::Dog(dog) => {
            assert_eq!(dog.name, "Rex");
            let owner = dog.owner.expect("a `$ref` or `null` that is set");
            assert_eq!((owner.name.as_str(), owner.phone), ("Ann", None), "an optional nullable field the server sent as null");
        }
        other => panic!("expected the dog, got {other:?}"),
    }
    let error = client().pets().get_pet(99).await.expect_err("no such pet");
    assert!(matches!(error, Error::NotFound(_)), "{error:?}");
}

#[tokio::test]
async fn sends_a_tagged_union_and_the_server_reads_its_tag() {
    let dog = Dog::new("Bo").with_good(false).with_owner(Owner::new("Kim").with_phone("555"));
    match client().pets().add_pet(ProfileFavourite::Dog(dog)).await.expect("the server echoes it") {
        ProfileFavourite::Dog(echoed) => {
            assert_eq!((echoed.name.as_str(), echoed.good), ("Bo", Some(false)));
            assert_eq!(echoed.owner.and_then(|o| o.phone).as_deref(), Some("555"));
        }
        other => panic!("expected the dog back, got {other:?}"),
    }
    let cat = client().pets().add_pet(ProfileFavourite::Cat(Cat::new("Mia").with_lives(3))).await.expect("echoes");
    assert!(matches!(cat, ProfileFavourite::Cat(ref c) if c.lives == Some(3)), "{cat:?}");
}

#[tokio::test]
async fn sends_and_receives_tuples() {
    let route = client().routes().plan_route((52.5, 13.4)).stops([("zoo".to_owned(), 3)]).await.expect("plans");
    assert_eq!(route.start, (52.5, 13.4));
    assert_eq!(route.stops, Some(vec![("zoo".to_owned(), 3), ("end".to_owned(), 1)]));
    assert_eq!(route.note, None, "a nullable field the server sent as null");
}

#[tokio::test]
async fn sends_a_required_nullable_field_as_null() {
    let contacts = vec![Contact::new("Ann"), Contact::new("Kim").with_phone("555")];
    let echoed = client().contacts().add_contacts(contacts.clone()).await.expect("pydantic requires `phone`, and reads `null`");
    assert_eq!(echoed, contacts);
}

#[tokio::test]
async fn sends_cookie_parameters_and_reads_optional_fields() {
    let profile = client().profile().get_profile("s-1").await.expect("reads the cookie");
    assert_eq!((profile.session.as_str(), profile.nickname.as_deref()), ("s-1", None));
    assert!(profile.favourite.is_none());
    let profile = client().profile().get_profile("s-2").nickname("Zed").await.expect("reads both cookies");
    assert_eq!((profile.session.as_str(), profile.nickname.as_deref()), ("s-2", Some("Zed")));
    assert!(matches!(profile.favourite, Some(ProfileFavourite::Cat(_))));
    // Text a cookie cannot hold is percent-encoded (OpenAPI's `form` style); Starlette hands the
    // cookie over as it arrived, without decoding it.
    let profile = client().profile().get_profile("s 2;x").await.expect("reads the cookie");
    assert_eq!(profile.session, "s%202%3Bx");
}

#[test]
fn the_webhook_payload_is_a_documented_type() {
    let dog: Dog = serde_json::from_value(serde_json::json!({"name": "Rex", "good": true})).expect("a webhook body decodes");
    assert_eq!(dog.name, "Rex");
}
