"""A FastAPI application whose own OpenAPI 3.1 document the generator reads (`make fastapi`).

It uses what FastAPI and pydantic emit in 3.1 form: an upload (`contentMediaType`), a tagged
union (`Literal` tags, a discriminator without a mapping), optional and nullable fields
(`anyOf [..., null]`, required ones among them, `$ref` with a sibling `description`), tuples
(`prefixItems`), a cookie parameter and a webhook. The Rust SDK generated from it is tested against it, served on loopback.
"""

from typing import Annotated, Literal, Optional, Union

from fastapi import Cookie, FastAPI, File, Form, HTTPException, UploadFile
from pydantic import BaseModel, Field

app = FastAPI(title="Shelter", version="1.0.0")


class Owner(BaseModel):
    name: str
    phone: Optional[str] = None


class Cat(BaseModel):
    kind: Literal["cat"] = "cat"
    name: str
    lives: int = 9


class Dog(BaseModel):
    kind: Literal["dog"] = "dog"
    name: str
    good: bool = True
    owner: Optional[Owner] = Field(default=None, description="Who the dog lives with, if anyone.")


Pet = Annotated[Union[Cat, Dog], Field(discriminator="kind")]


class Route(BaseModel):
    start: tuple[float, float]
    stops: list[tuple[str, int]] = []
    note: Optional[str] = None


class Stored(BaseModel):
    filename: str
    size: int
    label: str
    content_type: Optional[str]


class Contact(BaseModel):
    name: str
    # Required, and may be null: pydantic rejects a contact without it.
    phone: Optional[str]


class Profile(BaseModel):
    session: str
    nickname: Optional[str] = None
    favourite: Optional[Pet] = None


PETS = {1: Cat(name="Tom"), 2: Dog(name="Rex", owner=Owner(name="Ann"))}


@app.get("/pets/{pet_id}", response_model=Pet, operation_id="get_pet", tags=["pets"])
def get_pet(pet_id: int) -> Pet:
    if pet_id not in PETS:
        raise HTTPException(status_code=404, detail="no such pet")
    return PETS[pet_id]


@app.post("/pets", response_model=Pet, operation_id="add_pet", tags=["pets"])
def add_pet(pet: Pet) -> Pet:
    return pet


@app.post("/routes", operation_id="plan_route", tags=["routes"])
def plan_route(route: Route) -> Route:
    return Route(start=route.start, stops=route.stops + [("end", len(route.stops))], note=route.note)


@app.post("/files", operation_id="upload_file", tags=["files"])
async def upload_file(file: Annotated[UploadFile, File()], label: Annotated[str, Form()]) -> Stored:
    data = await file.read()
    return Stored(filename=file.filename or "", size=len(data), label=label, content_type=file.content_type)


@app.post("/contacts", operation_id="add_contacts", tags=["contacts"])
def add_contacts(contacts: list[Contact]) -> list[Contact]:
    return contacts


@app.get("/profile", operation_id="get_profile", tags=["profile"])
def get_profile(session: Annotated[str, Cookie()], nickname: Annotated[Optional[str], Cookie()] = None) -> Profile:
    return Profile(session=session, nickname=nickname, favourite=PETS[1] if nickname else None)


@app.webhooks.post("pet-adopted")
def pet_adopted(body: Dog) -> None:
    """Sent when a dog finds a home."""
